#include "proto/event.h"

#include "proto/sseframe.h"

#include <QJsonDocument>
#include <QJsonValue>

#include <limits>

namespace ssehub {

namespace {

// Appends a JSON string literal; the input is valid UTF-8 (validated at the API boundary).
// Runs of bytes that need no escape are appended whole.
void appendJsonString(QByteArray &out, const QByteArray &text)
{
    static const char hex[] = "0123456789abcdef";
    out.append('"');
    const char *data = text.constData();
    const qsizetype size = text.size();
    qsizetype plain = 0; // start of the bytes not appended yet
    for (qsizetype i = 0; i < size; ++i) {
        const auto u = static_cast<unsigned char>(data[i]);
        if (u >= 0x20 && u != 0x7f && u != '"' && u != '\\')
            continue;
        out.append(data + plain, i - plain);
        plain = i + 1;
        switch (u) {
        case '"':
            out.append("\\\"");
            break;
        case '\\':
            out.append("\\\\");
            break;
        case '\n':
            out.append("\\n");
            break;
        case '\r':
            out.append("\\r");
            break;
        case '\t':
            out.append("\\t");
            break;
        default:
            out.append("\\u00");
            out.append(hex[u >> 4]);
            out.append(hex[u & 0xf]);
        }
    }
    out.append(data + plain, size - plain);
    out.append('"');
}

} // namespace

QByteArray jsonString(const QByteArray &utf8)
{
    QByteArray out;
    out.reserve(utf8.size() + 2);
    appendJsonString(out, utf8);
    return out;
}

EventPtr makeEvent(quint64 id, const QByteArray &topic, const QByteArray &type,
                   const QByteArray &payloadJson, qint64 timestamp)
{
    auto event = std::make_shared<Event>();
    event->id = id;
    event->topic = topic;
    event->type = type;
    event->timestamp = timestamp;
    event->payload = payloadJson;

    const QByteArray idText = formatEventId(id);
    QByteArray &json = event->envelope;
    json.reserve(payloadJson.size() + topic.size() + type.size() + 80);
    json.append("{\"id\":");
    appendJsonString(json, idText);
    json.append(",\"topic\":");
    appendJsonString(json, topic);
    json.append(",\"type\":");
    appendJsonString(json, type);
    json.append(",\"payload\":");
    json.append(payloadJson);
    json.append(",\"timestamp\":");
    json.append(QByteArray::number(timestamp));
    json.append('}');

    event->frame = SseFrame::event(idText, type, json);
    return event;
}

const QByteArray &Event::payloadFrame() const
{
    if (m_payloadFrame.isEmpty())
        m_payloadFrame = SseFrame::event(idText(), type, payload);
    return m_payloadFrame;
}

QByteArray Event::frameWithoutId(bool payloadOnly) const
{
    return SseFrame::event(QByteArray(), type, payloadOnly ? payload : envelope);
}

QByteArray Event::idText() const
{
    return formatEventId(id);
}

namespace {

bool parseDecimal(QByteArrayView text, quint64 *value)
{
    if (text.isEmpty() || text.size() > 20)
        return false;
    for (const char c : text) {
        if (c < '0' || c > '9')
            return false;
    }
    bool ok = false;
    *value = text.toULongLong(&ok);
    return ok;
}

} // namespace

bool packStreamId(QByteArrayView text, quint64 *id)
{
    const qsizetype dash = text.indexOf('-');
    quint64 ms = 0;
    quint64 seq = 0;
    if (dash <= 0 || !parseDecimal(text.first(dash), &ms)
        || !parseDecimal(text.sliced(dash + 1), &seq))
        return false;
    if (ms >= (quint64(1) << (63 - StreamIdSeqBits)) || seq >= (quint64(1) << StreamIdSeqBits))
        return false;
    *id = StreamIdFlag | (ms << StreamIdSeqBits) | seq;
    return true;
}

quint64 firstStreamIdAt(qint64 ms)
{
    if (ms <= 0)
        return StreamIdFlag;
    if (quint64(ms) >= (quint64(1) << (63 - StreamIdSeqBits)))
        return std::numeric_limits<quint64>::max();
    return StreamIdFlag | (quint64(ms) << StreamIdSeqBits);
}

QByteArray formatEventId(quint64 id)
{
    if (!(id & StreamIdFlag))
        return QByteArray::number(id);
    const quint64 bits = id & ~StreamIdFlag;
    return QByteArray::number(bits >> StreamIdSeqBits) + '-'
        + QByteArray::number(bits & ((quint64(1) << StreamIdSeqBits) - 1));
}

bool parseEventId(QByteArrayView text, quint64 *id)
{
    if (text.contains('-'))
        return packStreamId(text, id);
    quint64 value = 0;
    if (!parseDecimal(text, &value) || (value & StreamIdFlag))
        return false;
    *id = value;
    return true;
}

} // namespace ssehub
