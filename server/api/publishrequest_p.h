#pragma once

#include "publishrequest.h"

#include <QByteArray>
#include <QString>

namespace ssehub {

// What the keys "topic", "type" and "payload" of a publish body hold, as a JSON reader found
// them: parsePublishRequest reads them from a QJsonObject, the fast reader (publishbatch.cpp)
// from the bytes. checkPublishFields applies the rules to them, so that both refuse the same
// bodies with the same words.
struct PublishFields
{
    enum class Kind { Absent, Null, String, Other };
    Kind topicKind = Kind::Absent;
    QByteArray topic; // UTF-8, when topicKind is String
    Kind typeKind = Kind::Absent;
    QByteArray type; // UTF-8, when typeKind is String
    bool hasPayload = false;
};

// The rules of parsePublishRequest, in its order. Returns an empty string with out->topic and
// out->type set (the payload is the reader's), or what is wrong.
QString checkPublishFields(const PublishFields &fields, PublishRequest *out);

} // namespace ssehub
