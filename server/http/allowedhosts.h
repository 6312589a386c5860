#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QStringList>

namespace ssehub {

// The Host names the front answers (DNS rebinding: a page of evil.example whose name now
// resolves to 127.0.0.1 must not reach the hub). Pure: no sockets.
class AllowedHosts
{
public:
    AllowedHosts() = default;
    // Names allowed besides an address of the listening socket and "localhost"; "*" turns the
    // check off.
    explicit AllowedHosts(const QStringList &names);

    // Whether a request with this Host header, on a socket bound to `local`, is served.
    bool allows(const QByteArray &host, const QHostAddress &local) const;

private:
    QStringList m_names;
    bool m_any = false;
};

} // namespace ssehub
