#include "sseclient.h"

#include <QJsonDocument>

namespace ssehub::test {

QJsonObject SseEvent::json() const
{
    return QJsonDocument::fromJson(data).object();
}

SseClient::SseClient(QObject *parent)
    : QObject(parent)
{
    connect(&m_socket, &QTcpSocket::readyRead, this, &SseClient::onReadyRead);
}

void SseClient::open(quint16 port, const QByteArray &pathAndQuery,
                     const QList<QPair<QByteArray, QByteArray>> &headers)
{
    m_socket.connectToHost(QHostAddress::LocalHost, port);
    QByteArray request
        = "GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n";
    for (const auto &[key, value] : headers)
        request += key + ": " + value + "\r\n";
    request += "\r\n";
    m_socket.write(request);
}

void SseClient::setReading(bool reading)
{
    m_reading = reading;
    if (reading) {
        m_socket.setReadBufferSize(0);
        onReadyRead();
    } else {
        // Qt keeps reading into its own buffer unless it is capped; a tiny cap makes the kernel
        // buffers fill up as with a slow reader.
        m_socket.setReadBufferSize(1);
    }
}

QByteArray SseClient::header(const QByteArray &name) const
{
    for (const auto &[key, value] : m_headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

QList<SseEvent> SseClient::messages() const
{
    QList<SseEvent> list;
    for (const SseEvent &e : m_events) {
        if (e.type != "reset")
            list.append(e);
    }
    return list;
}

void SseClient::onReadyRead()
{
    if (!m_reading)
        return;
    const QByteArray chunk = m_socket.readAll();
    m_raw += chunk;
    m_buffer += chunk;
    if (!m_headDone) {
        const qsizetype end = m_buffer.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        const QList<QByteArray> lines = m_buffer.left(end).split('\n');
        m_status = lines.first().split(' ').value(1).toInt();
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const qsizetype colon = lines.at(i).indexOf(':');
            if (colon > 0)
                m_headers.append(
                    {lines.at(i).left(colon).trimmed(), lines.at(i).mid(colon + 1).trimmed()});
        }
        m_buffer.remove(0, end + 4);
        m_headDone = true;
        if (m_status != 200)
            return; // an error body, not a stream
    }
    if (m_status == 200)
        parseLines();
}

void SseClient::parseLines()
{
    for (;;) {
        const qsizetype nl = m_buffer.indexOf('\n');
        if (nl < 0)
            return;
        QByteArray line = m_buffer.left(nl);
        m_buffer.remove(0, nl + 1);
        if (line.endsWith('\r'))
            line.chop(1);
        if (line.isEmpty()) {
            if (m_hasData) {
                if (m_pending.type.isEmpty())
                    m_pending.type = "message";
                if (!m_pending.id.isNull())
                    m_lastId = m_pending.id;
                if (m_pending.type == "session") {
                    m_session = m_pending;
                    m_hasSession = true;
                } else {
                    m_events.append(m_pending);
                    Q_EMIT eventReceived(m_pending);
                }
            }
            m_pending = SseEvent();
            m_hasData = false;
            continue;
        }
        if (line.startsWith(':')) {
            ++m_comments;
            m_commentLines.append(line);
            Q_EMIT commentReceived();
            continue;
        }
        const qsizetype colon = line.indexOf(':');
        const QByteArray field = colon < 0 ? line : line.left(colon);
        QByteArray value = colon < 0 ? QByteArray() : line.mid(colon + 1);
        if (value.startsWith(' '))
            value.remove(0, 1);
        if (field == "id") {
            m_pending.id = value;
        } else if (field == "event") {
            m_pending.type = value;
        } else if (field == "data") {
            if (m_hasData)
                m_pending.data += '\n';
            m_pending.data += value;
            m_hasData = true;
        } else if (field == "retry") {
            m_retry = value.toInt();
        }
    }
}

} // namespace ssehub::test
