#pragma once

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QString>

// How the front's answers are written: the bytes of one answer, and the order in which the
// answers of one connection leave. Pure: no sockets.
namespace ssehub::http {

struct Answer
{
    int status = 200;
    QByteArray contentType; // none when empty
    QByteArray body;
    QByteArray headers; // complete "Name: value\r\n" lines (CORS, Retry-After, ...)
    bool close = false; // Connection: close, and the connection closes after it
    bool headOnly = false; // HEAD: the headers of the body, not the body
};

// The bytes of an answer: status line, Content-Type, Content-Length, the extra headers,
// Connection: close, the body.
QByteArray serialize(const Answer &answer);
// The JSON body of an error answer: {"error":"<message>"}.
QByteArray errorBody(const QString &message);

// Answers leave in request order even when one is produced later (cluster mode publishes wait
// for Redis): requests are numbered as they arrive, and an early answer waits for the ones
// before it.
class AnswerOrder
{
public:
    struct Ready
    {
        QByteArray bytes;
        bool close = false;
    };

    // Numbers the next request; returns its number.
    quint64 issue() { return ++m_issued; }
    quint64 issued() const { return m_issued; }
    quint64 sent() const { return m_sent; }
    // Requests whose answers have not left yet.
    quint64 pending() const { return m_issued - m_sent; }
    // Whether the next answer to leave is that of the latest request.
    bool nextIsLatest() const { return m_sent + 1 == m_issued; }

    // The answer to request `number`: returns what may be written now, in order (nothing when
    // an earlier answer is still missing, else this one and those that were waiting for it).
    QList<Ready> submit(quint64 number, const QByteArray &bytes, bool close);

private:
    quint64 m_issued = 0; // number of the latest request
    quint64 m_sent = 0; // answers released
    QMap<quint64, Ready> m_held; // early answers, by number
};

} // namespace ssehub::http
