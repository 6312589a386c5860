#pragma once

#include "httpclient.h"
#include "sseclient.h"

#include <QByteArray>
#include <QList>
#include <QTcpSocket>

namespace ssehub::test {

// One keep-alive connection driven by hand: the bytes sent as they are (pipelined, cut anywhere),
// what came back, raw or parsed into answers in order, and whether the server closed it.
class RawConnection
{
public:
    explicit RawConnection(quint16 port);

    void send(const QByteArray &bytes);
    // Everything received so far.
    const QByteArray &received();
    // The complete answers received so far, in order.
    const QList<HttpResponse> &answers();
    qsizetype answerCount() { return answers().size(); }
    // The status line of the first answer.
    QByteArray statusLine();
    bool closed();
    QTcpSocket &socket() { return m_socket; }

private:
    QTcpSocket m_socket;
    QByteArray m_in; // received, not yet parsed into answers
    QByteArray m_all; // received
    QList<HttpResponse> m_answers;
};

// A POST /publish of one event, with `extraHeaders` (lines ending in CRLF).
QByteArray publishRequest(const QByteArray &topic, const QByteArray &payload,
                          const QByteArray &extraHeaders = {});
// A POST /publish with this body and Content-Type (a batch).
QByteArray bodyRequest(const QByteArray &body, const QByteArray &contentType,
                       const QByteArray &extraHeaders = {});
QByteArray getRequest(const QByteArray &path, const QByteArray &extraHeaders = {});
// The header line of a bearer token.
QByteArray bearer(const QByteArray &token);

// The results of a batch answer, in order: "id:<id>" or "<status>:<error>".
QStringList batchResults(const HttpResponse &answer);
// The payloads of a client's events, read as integers.
QList<int> intPayloads(const SseClient &client);

} // namespace ssehub::test
