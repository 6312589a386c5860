#include "rawconnection.h"

#include <QHostAddress>
#include <QJsonArray>
#include <QJsonObject>

namespace ssehub::test {

RawConnection::RawConnection(quint16 port)
{
    m_socket.connectToHost(QHostAddress::LocalHost, port);
    m_socket.waitForConnected(5000);
}

void RawConnection::send(const QByteArray &bytes)
{
    m_socket.write(bytes);
    m_socket.flush();
}

const QByteArray &RawConnection::received()
{
    const QByteArray more = m_socket.readAll();
    m_in += more;
    m_all += more;
    return m_all;
}

const QList<HttpResponse> &RawConnection::answers()
{
    received();
    for (;;) {
        HttpResponse response;
        const qsizetype used = parseResponse(m_in, &response, false);
        if (used == 0)
            break;
        m_in.remove(0, used);
        m_answers.append(response);
    }
    return m_answers;
}

QByteArray RawConnection::statusLine()
{
    const QByteArray &in = received();
    const qsizetype end = in.indexOf("\r\n");
    return end < 0 ? QByteArray() : in.left(end);
}

bool RawConnection::closed()
{
    answers();
    return m_socket.state() == QAbstractSocket::UnconnectedState;
}

QByteArray bodyRequest(const QByteArray &body, const QByteArray &contentType,
                       const QByteArray &extraHeaders)
{
    return "POST /publish HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + contentType + "\r\n"
        + extraHeaders + "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
}

QByteArray publishRequest(const QByteArray &topic, const QByteArray &payload,
                          const QByteArray &extraHeaders)
{
    return bodyRequest("{\"topic\":\"" + topic + "\",\"payload\":" + payload + "}",
                       "application/json", extraHeaders);
}

QByteArray getRequest(const QByteArray &path, const QByteArray &extraHeaders)
{
    return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extraHeaders + "\r\n";
}

QByteArray bearer(const QByteArray &token)
{
    return "Authorization: Bearer " + token + "\r\n";
}

QStringList batchResults(const HttpResponse &answer)
{
    QStringList out;
    for (const QJsonValue &value : answer.json().value(QLatin1String("results")).toArray()) {
        const QJsonObject result = value.toObject();
        if (result.contains(QLatin1String("id")))
            out << QStringLiteral("id:") + result.value(QLatin1String("id")).toString();
        else
            out << QString::number(result.value(QLatin1String("status")).toInt()) + QLatin1Char(':')
                    + result.value(QLatin1String("error")).toString();
    }
    return out;
}

QList<int> intPayloads(const SseClient &client)
{
    QList<int> payloads;
    for (const SseEvent &e : client.events())
        payloads << e.json().value(QLatin1String("payload")).toInt();
    return payloads;
}

} // namespace ssehub::test
