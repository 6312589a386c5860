#include "http/allowedhosts.h"

namespace ssehub {

AllowedHosts::AllowedHosts(const QStringList &names)
    : m_names(names)
    , m_any(names.contains(QStringLiteral("*")))
{
}

bool AllowedHosts::allows(const QByteArray &host, const QHostAddress &local) const
{
    if (host.isNull())
        return true; // HTTP/1.0 without Host: not a browser
    if (m_any)
        return true;
    // Strip the port: "[::1]:8080" -> "::1", "name:8080" -> "name".
    QByteArray name = host;
    if (name.startsWith('[')) {
        name = name.mid(1, name.indexOf(']') - 1);
    } else if (const qsizetype colon = name.lastIndexOf(':'); colon >= 0) {
        name.truncate(colon);
    }
    name = name.toLower();
    if (name == "localhost" || name.endsWith(".localhost"))
        return true;
    if (QHostAddress address; address.setAddress(QString::fromLatin1(name))) {
        // An address literal cannot be rebound by DNS; it must be one this socket listens on.
        return address.isEqual(local, QHostAddress::TolerantConversion)
            || (address.isLoopback() && local.isLoopback());
    }
    for (const QString &allowed : m_names) {
        if (allowed.compare(QString::fromLatin1(name), Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

} // namespace ssehub
