#include "api/publishrequest.h"

#include "proto/topicfilter.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonValue>

namespace ssehub {

namespace {

// Compact JSON for one value (QJsonDocument only takes arrays and objects).
QByteArray compactJson(const QJsonValue &value)
{
    if (value.isObject())
        return QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact);
    if (value.isArray())
        return QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact);
    const QByteArray wrapped = QJsonDocument(QJsonArray {value}).toJson(QJsonDocument::Compact);
    return wrapped.mid(1, wrapped.size() - 2);
}

// Validates an event type; empty string when fine.
QString validateType(const QByteArray &type)
{
    if (const QString error = validateText(type, "type", 64, true); !error.isEmpty())
        return error;
    // Types the server itself sends on a stream; a publisher must not be able to forge them.
    // `error` and `open` would fire EventSource's own handlers in every subscriber.
    if (type == "reset" || type == "session" || type == "auth-expired" || type == "shutdown"
        || type == "disconnect" || type == "error" || type == "open")
        return QStringLiteral("type '%1' is reserved for the server").arg(QString::fromUtf8(type));
    return {};
}

} // namespace

QString parsePublishRequest(const QJsonObject &object, PublishRequest *out)
{
    const QJsonValue topicValue = object.value(QLatin1String("topic"));
    if (!topicValue.isString())
        return QStringLiteral("\"topic\" is missing or not a string");
    PublishRequest publish;
    publish.topic = topicValue.toString().toUtf8();
    if (const QString error = validateTopic(publish.topic); !error.isEmpty())
        return error;
    const QJsonValue typeValue = object.value(QLatin1String("type"));
    if (typeValue.isUndefined() || typeValue.isNull()) {
        publish.type = QByteArrayLiteral("message");
    } else if (!typeValue.isString()) {
        return QStringLiteral("\"type\" must be a string");
    } else {
        publish.type = typeValue.toString().toUtf8();
        if (const QString error = validateType(publish.type); !error.isEmpty())
            return error;
    }
    if (!object.contains(QLatin1String("payload")))
        return QStringLiteral("\"payload\" is missing");
    publish.payloadJson = compactJson(object.value(QLatin1String("payload")));
    *out = publish;
    return {};
}

} // namespace ssehub
