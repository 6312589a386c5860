#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QPair>

namespace ssehub::test {

// A parsed HTTP/1.1 response.
struct HttpResponse
{
    int status = 0;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    QByteArray header(const QByteArray &name) const;
    QJsonObject json() const;
};

// Sends raw bytes to 127.0.0.1:port over a new connection and reads one response (or until the
// server closes). Returns status 0 when nothing parseable came back within timeoutMs.
HttpResponse rawRequest(quint16 port, const QByteArray &bytes, int timeoutMs = 5000);

// Convenience wrappers that build the request.
HttpResponse request(quint16 port, const QByteArray &method, const QByteArray &path,
                     const QByteArray &body = {},
                     const QByteArray &contentType = "application/json",
                     const QList<QPair<QByteArray, QByteArray>> &headers = {});
HttpResponse publish(quint16 port, const QByteArray &topic, const QByteArray &payloadJson,
                     const QByteArray &type = {});

// Parses one response from the start of `data`; returns the bytes it used, 0 if incomplete.
qsizetype parseResponse(const QByteArray &data, HttpResponse *response, bool connectionClosed);

// VmRSS of this process in KiB, from /proc/self/status (-1 when it cannot be read).
qint64 residentKiB();

// AddressSanitizer keeps freed memory in quarantine and maps shadow memory: bounds on resident
// memory mean nothing there (the behaviour around them is still checked).
#if defined(__SANITIZE_ADDRESS__)
constexpr bool MemoryFiguresMeaningful = false;
#else
constexpr bool MemoryFiguresMeaningful = true;
#endif

} // namespace ssehub::test
