#include "api/publishrequest.h"

#include "api/publishrequest_p.h"
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

QString checkPublishFields(const PublishFields &fields, PublishRequest *out)
{
    using Kind = PublishFields::Kind;
    if (fields.topicKind != Kind::String)
        return QStringLiteral("\"topic\" is missing or not a string");
    if (const QString error = validateTopic(fields.topic); !error.isEmpty())
        return error;
    if (fields.typeKind == Kind::Absent || fields.typeKind == Kind::Null) {
        out->type = QByteArrayLiteral("message");
    } else if (fields.typeKind != Kind::String) {
        return QStringLiteral("\"type\" must be a string");
    } else {
        if (const QString error = validateType(fields.type); !error.isEmpty())
            return error;
        out->type = fields.type;
    }
    if (!fields.hasPayload)
        return QStringLiteral("\"payload\" is missing");
    out->topic = fields.topic;
    return {};
}

QString parsePublishRequest(const QJsonObject &object, PublishRequest *out)
{
    const auto kindOf = [](const QJsonValue &value) {
        if (value.isUndefined())
            return PublishFields::Kind::Absent;
        if (value.isNull())
            return PublishFields::Kind::Null;
        return value.isString() ? PublishFields::Kind::String : PublishFields::Kind::Other;
    };
    PublishFields fields;
    const QJsonValue topicValue = object.value(QLatin1String("topic"));
    fields.topicKind = kindOf(topicValue);
    if (fields.topicKind == PublishFields::Kind::String)
        fields.topic = topicValue.toString().toUtf8();
    const QJsonValue typeValue = object.value(QLatin1String("type"));
    fields.typeKind = kindOf(typeValue);
    if (fields.typeKind == PublishFields::Kind::String)
        fields.type = typeValue.toString().toUtf8();
    fields.hasPayload = object.contains(QLatin1String("payload"));
    PublishRequest publish;
    if (const QString error = checkPublishFields(fields, &publish); !error.isEmpty())
        return error;
    publish.payloadJson = compactJson(object.value(QLatin1String("payload")));
    *out = publish;
    return {};
}

} // namespace ssehub
