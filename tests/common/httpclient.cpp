#include "httpclient.h"

#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>

namespace ssehub::test {

QByteArray HttpResponse::header(const QByteArray &name) const
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

QJsonObject HttpResponse::json() const
{
    return QJsonDocument::fromJson(body).object();
}

qsizetype parseResponse(const QByteArray &data, HttpResponse *response, bool connectionClosed)
{
    qsizetype headEnd = data.indexOf("\r\n\r\n");
    // Skip interim 100 Continue answers.
    qsizetype start = 0;
    while (headEnd >= 0 && data.mid(start, 12).startsWith("HTTP/1.1 100")) {
        start = headEnd + 4;
        headEnd = data.indexOf("\r\n\r\n", start);
    }
    if (headEnd < 0)
        return 0;
    const QList<QByteArray> lines = data.mid(start, headEnd - start).split('\n');
    HttpResponse r;
    const QList<QByteArray> statusLine = lines.first().trimmed().split(' ');
    if (statusLine.size() < 2)
        return 0;
    r.status = statusLine.at(1).toInt();
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const qsizetype colon = lines.at(i).indexOf(':');
        if (colon > 0)
            r.headers.append(
                {lines.at(i).left(colon).trimmed(), lines.at(i).mid(colon + 1).trimmed()});
    }
    const qsizetype bodyStart = headEnd + 4;
    const QByteArray length = r.header("content-length");
    if (length.isEmpty()) {
        if (!connectionClosed)
            return 0;
        r.body = data.mid(bodyStart);
        *response = r;
        return data.size();
    }
    const qsizetype size = length.toLongLong();
    if (data.size() - bodyStart < size)
        return 0;
    r.body = data.mid(bodyStart, size);
    *response = r;
    return bodyStart + size;
}

HttpResponse rawRequest(quint16 port, const QByteArray &bytes, int timeoutMs)
{
    // Waits in a local event loop woken by the socket's own signals (no polling sleeps): the
    // engine under test may live on this very thread and keeps running meanwhile.
    QTcpSocket socket;
    QEventLoop loop;
    QTimer timeout;
    timeout.setSingleShot(true);
    QObject::connect(&timeout, &QTimer::timeout, &loop, &QEventLoop::quit);
    QObject::connect(&socket, &QTcpSocket::connected, &loop, &QEventLoop::quit);
    QObject::connect(&socket, &QTcpSocket::readyRead, &loop, &QEventLoop::quit);
    QObject::connect(&socket, &QTcpSocket::disconnected, &loop, &QEventLoop::quit);
    QObject::connect(&socket, &QTcpSocket::errorOccurred, &loop, &QEventLoop::quit);
    timeout.start(timeoutMs);

    socket.connectToHost(QHostAddress::LocalHost, port);
    while (socket.state() != QAbstractSocket::ConnectedState && timeout.isActive()
           && socket.state() != QAbstractSocket::UnconnectedState)
        loop.exec();
    if (socket.state() != QAbstractSocket::ConnectedState)
        return {};
    socket.write(bytes);
    QByteArray data;
    HttpResponse response;
    for (;;) {
        const bool closed = socket.state() != QAbstractSocket::ConnectedState;
        data += socket.readAll();
        if (parseResponse(data, &response, closed) > 0)
            return response;
        if (closed || !timeout.isActive())
            break;
        loop.exec();
    }
    data += socket.readAll();
    parseResponse(data, &response, true);
    return response;
}

HttpResponse request(quint16 port, const QByteArray &method, const QByteArray &path,
                     const QByteArray &body, const QByteArray &contentType,
                     const QList<QPair<QByteArray, QByteArray>> &headers)
{
    QByteArray bytes
        = method + ' ' + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
    if (!body.isNull() || method == "POST") {
        if (!contentType.isEmpty())
            bytes += "Content-Type: " + contentType + "\r\n";
        bytes += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    }
    for (const auto &[key, value] : headers)
        bytes += key + ": " + value + "\r\n";
    bytes += "\r\n" + body;
    return rawRequest(port, bytes);
}

HttpResponse publish(quint16 port, const QByteArray &topic, const QByteArray &payloadJson,
                     const QByteArray &type)
{
    QByteArray body = "{\"topic\":\"" + topic + "\",\"payload\":" + payloadJson;
    if (!type.isEmpty())
        body += ",\"type\":\"" + type + "\"";
    body += "}";
    return request(port, "POST", "/publish", body);
}

qint64 residentKiB()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong();
    }
    return -1;
}

} // namespace ssehub::test
