#pragma once

#include <QByteArray>
#include <QString>

namespace ssehub {

// The engine's own rules for what ui/ and app/ check before they hand a value to it, so that a
// value refused here is exactly one the engine would refuse. Each returns an empty string (or
// true) when valid, otherwise what is wrong.

// A concrete topic (what is published); defined with the topic rules (proto/topicfilter).
QString validateTopic(const QByteArray &topic);
// A client id (1-128 bytes of UTF-8, no control characters); defined in hub/client.
QString validateClientId(const QByteArray &id);
// An operator's reason for closing a stream (the console's Disconnect, DELETE /streams/<id>):
// returned with control characters removed and surrounding spaces trimmed; an error when it is
// longer than MaxKickReasonBytes of UTF-8 (or not valid text). Defined in hub/hub.
constexpr qsizetype MaxKickReasonBytes = 200;
QString cleanKickReason(const QString &reason, QString *error);
// A Redis URL: redisUrlProblem (configschema.h), the option table's check.

} // namespace ssehub
