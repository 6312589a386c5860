#pragma once

#include "http/httpparser.h"

#include <QByteArray>
#include <QString>

namespace ssehub {

// One request as the front's single parser (httpparser.h) framed it, with its whole body.
class HttpRequest
{
public:
    enum class Method { Get, Head, Post, Put, Patch, Delete, Options, Other };

    HttpRequest() = default;
    explicit HttpRequest(http::RequestHead head);
    static Method methodOf(const QByteArray &method);

    const http::RequestHead &head() const { return m_head; }
    Method method() const { return m_method; }
    // The path as sent (percent-encoded); routes compare it literally.
    QString path() const { return QString::fromLatin1(m_head.path); }
    const QByteArray &query() const { return m_head.query; } // percent-encoded
    // A header's first value (name in lower case), or a null array.
    QByteArray value(QByteArrayView lowerName) const { return m_head.value(lowerName); }
    const QByteArray &body() const { return m_body; }
    QByteArray *mutableBody() { return &m_body; }
    void setBody(QByteArray body) { m_body = std::move(body); }

private:
    http::RequestHead m_head;
    Method m_method = Method::Other;
    QByteArray m_body;
};

} // namespace ssehub
