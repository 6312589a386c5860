#include "http/cors.h"

namespace ssehub {

Cors::Cors(const QStringList &allowedOrigins, bool tls)
    : m_origins(allowedOrigins)
    , m_any(allowedOrigins.contains(QStringLiteral("*")))
    , m_tls(tls)
{
}

QByteArray Cors::responseHeaders(const QByteArray &origin) const
{
    if (origin.isEmpty() || m_origins.isEmpty())
        return {};
    if (!m_any && !m_origins.contains(QString::fromUtf8(origin)))
        return {};
    // CR/LF never reach a header: the parser refuses control bytes in header values.
    return "Access-Control-Allow-Origin: " + (m_any ? QByteArray("*") : origin)
        + "\r\nVary: Origin\r\n";
}

bool Cors::originAllowed(const QByteArray &origin, const QByteArray &host) const
{
    if (origin.isNull())
        return true;
    const QByteArray scheme = m_tls ? QByteArrayLiteral("https://") : QByteArrayLiteral("http://");
    if (!host.isEmpty() && origin.compare(QByteArray(scheme + host), Qt::CaseInsensitive) == 0)
        return true;
    if (m_any)
        return true;
    return m_origins.contains(QString::fromUtf8(origin));
}

bool Cors::fromForeignPage(const http::RequestHead &head) const
{
    const QByteArray origin = head.value("origin");
    if (!origin.isNull())
        return !originAllowed(origin, head.host);
    const QByteArray site = head.value("sec-fetch-site").toLower();
    return !site.isNull() && site != "same-origin" && site != "none";
}

} // namespace ssehub
