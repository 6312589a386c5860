#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QTcpSocket>

namespace ssehub::test {

// One event as a client parses it from the stream.
struct SseEvent
{
    QByteArray id;
    QByteArray type; // "message" when the frame has no event line
    QByteArray data; // data lines joined with '\n'
    QJsonObject json() const;
};

// A minimal EventSource over a real socket: sends the request, parses the status, headers and
// the event stream (events, comments, retry) incrementally.
class SseClient : public QObject
{
    Q_OBJECT

public:
    explicit SseClient(QObject *parent = nullptr);

    void open(quint16 port, const QByteArray &pathAndQuery,
              const QList<QPair<QByteArray, QByteArray>> &headers = {});
    void close() { m_socket.abort(); }
    // Stops reading from the socket (to make the server's queue fill up).
    void setReading(bool reading);

    QTcpSocket &socket() { return m_socket; }
    int status() const { return m_status; }
    QByteArray header(const QByteArray &name) const;
    bool headComplete() const { return m_headDone; }
    bool isConnected() const { return m_socket.state() == QAbstractSocket::ConnectedState; }
    // Events from the history (and reset notices); the session event is kept apart.
    const QList<SseEvent> &events() const { return m_events; }
    bool hasSession() const { return m_hasSession; }
    QJsonObject session() const { return m_session.json(); }
    QList<SseEvent> messages() const; // events of every type but reset
    int comments() const { return m_comments; }
    QList<QByteArray> commentLines() const { return m_commentLines; }
    int retryMs() const { return m_retry; }
    QByteArray raw() const { return m_raw; }
    QByteArray lastEventId() const { return m_lastId; }

Q_SIGNALS:
    void eventReceived(const ssehub::test::SseEvent &event);
    void commentReceived();

private:
    void onReadyRead();
    void parseLines();

    QTcpSocket m_socket;
    bool m_reading = true;
    bool m_headDone = false;
    int m_status = 0;
    QList<QPair<QByteArray, QByteArray>> m_headers;
    QByteArray m_buffer;
    QByteArray m_raw;
    SseEvent m_pending;
    bool m_hasData = false;
    QList<SseEvent> m_events;
    SseEvent m_session;
    bool m_hasSession = false;
    QList<QByteArray> m_commentLines;
    int m_comments = 0;
    int m_retry = -1;
    QByteArray m_lastId;
};

} // namespace ssehub::test
