#pragma once

#include "http/httpparser.h"

#include <QByteArray>
#include <QStringList>

namespace ssehub {

// Which browser origins the front serves (--cors-origin). Pure: no sockets, so that a unit test
// can go through every case.
class Cors
{
public:
    Cors() = default;
    // "*" allows any origin. tls: the hub's own origin is https://<Host>, else http://<Host>.
    Cors(const QStringList &allowedOrigins, bool tls);

    // The headers that let a page of `origin` read an answer; empty when it may not (or when
    // there is no Origin).
    QByteArray responseHeaders(const QByteArray &origin) const;
    // Whether a request from this Origin may change state: the hub's own origin, or an allowed
    // CORS origin (no Origin: not a browser's cross-site request).
    bool originAllowed(const QByteArray &origin, const QByteArray &host) const;
    // Whether a browser sent this request for a page of another origin: an Origin that is not
    // allowed, or (requests browsers send without Origin: images, no-cors fetches, navigation)
    // Sec-Fetch-Site other than same-origin or none.
    bool fromForeignPage(const http::RequestHead &head) const;

private:
    QStringList m_origins;
    bool m_any = false;
    bool m_tls = false;
};

} // namespace ssehub
