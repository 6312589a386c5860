#include "proto/sseframe.h"

#include "proto/event.h"

#include <QStringBuilder>

namespace ssehub::SseFrame {

namespace {

// Appends one single-line field with CR, LF and NUL dropped.
void appendField(QByteArray &out, const char *name, const QByteArray &value)
{
    out.append(name);
    for (const char c : value) {
        if (c != '\r' && c != '\n' && c != '\0')
            out.append(c);
    }
    out.append('\n');
}

// Appends "prefix" + each line of text, splitting on CRLF, CR or LF.
void appendLines(QByteArray &out, const char *prefix, const QByteArray &text)
{
    qsizetype start = 0;
    const qsizetype size = text.size();
    for (qsizetype i = 0; i <= size; ++i) {
        if (i == size || text.at(i) == '\n' || text.at(i) == '\r') {
            out.append(prefix);
            out.append(text.constData() + start, i - start);
            out.append('\n');
            if (i < size && text.at(i) == '\r' && i + 1 < size && text.at(i + 1) == '\n')
                ++i;
            start = i + 1;
        }
    }
}

} // namespace

QByteArray event(const QByteArray &id, const QByteArray &type, const QByteArray &data)
{
    QByteArray out;
    out.reserve(data.size() + id.size() + type.size() + 24);
    if (!id.isEmpty())
        appendField(out, "id: ", id);
    if (!type.isEmpty() && type != "message")
        appendField(out, "event: ", type);
    appendLines(out, "data: ", data);
    out.append('\n');
    return out;
}

QByteArray retry(int milliseconds)
{
    return QByteArrayLiteral("retry: ") + QByteArray::number(milliseconds) + "\n\n";
}

QByteArray comment(const QByteArray &text)
{
    QByteArray out;
    appendLines(out, ": ", text);
    out.append('\n');
    return out;
}

QByteArray reset(const QByteArray &resumeId, const QByteArray &reason, const QByteArray &oldestId)
{
    return event(resumeId, QByteArrayLiteral("reset"),
                 "{\"reason\":\"" + reason + "\",\"oldest\":\"" + oldestId + "\"}");
}

QByteArray shutdown(int retryMs)
{
    const QByteArray ms = QByteArray::number(retryMs);
    return "retry: " + ms + '\n'
        + event(QByteArray(), QByteArrayLiteral("shutdown"), "{\"retry_ms\":" + ms + '}');
}

QByteArray disconnect(const QByteArray &reason, const QByteArray &message)
{
    return event(QByteArray(), QByteArrayLiteral("disconnect"),
                 "{\"reason\":" + jsonString(reason) + ",\"message\":" + jsonString(message) + '}');
}

} // namespace ssehub::SseFrame
