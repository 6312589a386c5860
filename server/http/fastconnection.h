#pragma once

#include "http/frontdecision.h"
#include "http/httpconnection.h"
#include "stream/streampoller.h"

#include <QHostAddress>
#include <QObject>
#include <QPointer>

#include <deque>
#include <optional>

namespace ssehub {

class HttpFront;

// One plain-HTTP connection on the engine's epoll set (the StreamPoller the streams use) rather
// than in Qt's event loop, whose dispatcher polls every socket notifier on every turn and reads
// with FIONREAD and read per readyRead. The hot requests (publish, ack, subscribe, unsubscribe,
// health, a stream's start) are framed by the one parser and served here by HttpFront; any
// other request moves the connection, with the bytes read so far, to the QTcpSocket path, and
// it comes back here when that path has answered (HttpFront::handOff, handBack).
//
// This class does the descriptor's I/O: reading into the connection's buffer, and writing the
// answers in request order, in one system call per turn of the poller for all the answers of
// pipelined requests. What a request means is HttpFront's (readFast).
class FastConnection
    : public QObject
    , private StreamPoller::Handler
{
    Q_OBJECT

public:
    // Takes fd (a connected, non-blocking TCP socket) and registers it with the poller. No
    // QObject parent: thousands come and go each second in a connect storm, and a parent's
    // list of children is searched on every removal; the front deletes what is left.
    FastConnection(int fd, const QHostAddress &peer, quint16 peerPort, const QHostAddress &local,
                   StreamPoller *poller, HttpFront *front);
    ~FastConnection() override;

    bool isOpen() const { return m_fd >= 0; }
    int descriptor() const { return m_fd; }
    const QHostAddress &peerAddress() const { return m_peer; }
    quint16 peerPort() const { return m_peerPort; }
    const QHostAddress &localAddress() const { return m_local; }
    QString remote() const;

    // Where the connection is in the framing of its requests, its timers, its answers' order.
    HttpConnection http;
    // The client closed its side: the answers still due are written, then the connection ends.
    bool peerClosed = false;
    // A request whose head was read and decided while its body is still on its way: neither is
    // done again for every piece of the body.
    struct Pending
    {
        http::RequestHead head;
        qsizetype headBytes = 0;
        FrontDecision decision;
    };
    std::optional<Pending> pending;

    enum class Read { Data, WouldBlock, End, Failed };
    // Appends at most `max` bytes from the socket to http.in.
    Read receive(qsizetype max);

    // The answer to request `seq` (in order with the others; see http::AnswerOrder).
    void answer(quint64 seq, const QByteArray &bytes, bool close);
    // Answer bytes the kernel has not taken yet.
    qint64 bytesToWrite() const { return m_outBytes; }
    // Writes what is pending now (answers are otherwise written when the poller's batch ends).
    void flush();
    // Reading stops (too many answers pending) or resumes.
    void setReading(bool reading);
    // Whether every answer due is written (a hand-off waits for that).
    bool isIdle() const { return http.answers.pending() == 0 && bytesToWrite() == 0; }

    // Gives the descriptor up (to a stream, or to the QTcpSocket path): it leaves the poller and
    // this object no longer closes it. The object is deleted later.
    int release();
    // Closes the connection now; `reset` drops what the kernel still holds for the client.
    void closeNow(bool reset = false);

private:
    void onReadable() override;
    void onWritable() override;
    void onError() override;
    void onFlush() override;
    void updateInterest();

    int m_fd;
    QHostAddress m_peer;
    quint16 m_peerPort;
    QHostAddress m_local;
    QPointer<StreamPoller> m_poller; // the hub's: it may go before the front's connections
    HttpFront *m_front;
    // Answers not taken by the kernel yet, in order, each its own buffer (no buffer that grows
    // by doubling); m_outOffset bytes of the first are sent.
    std::deque<QByteArray> m_out;
    qsizetype m_outOffset = 0;
    qint64 m_outBytes = 0;
    void addUnsent(qint64 delta);
    bool m_closeAfterOut = false; // the last answer said Connection: close
    bool m_reading = true;
    bool m_writeInterest = false;
    bool m_flushQueued = false;
};

} // namespace ssehub
