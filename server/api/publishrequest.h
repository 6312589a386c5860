#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>

namespace ssehub {

struct PublishRequest
{
    QByteArray topic;
    QByteArray type;
    QByteArray payloadJson; // one compact JSON value
};

// A publish's body as POST /publish takes it once it is a JSON object: "topic" (a string, the
// topic rules), "type" (optional; reserved types refused) and "payload" (any JSON value).
// Returns an empty string with *out filled, or what is wrong. The console's publish dialog
// checks with it too, so that it accepts exactly what the HTTP API accepts.
QString parsePublishRequest(const QJsonObject &body, PublishRequest *out);

// What became of a publish from the console.
struct PublishOutcome
{
    bool ok = false;
    QByteArray id; // the event's id as clients see it
    int delivered = 0; // local streams the event was handed to
    QString error;
};

} // namespace ssehub
