#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QStringList>

namespace ssehub::test {

// A JSON Web Token with these claims, signed with HMAC-SHA256 under `secret`; `alg` goes into
// the header as given (so that tests can forge tokens that claim other algorithms).
QByteArray makeToken(const QJsonObject &claims, const QByteArray &secret,
                     const QByteArray &alg = "HS256");
// A token for `sub` with these roles, expiring in an hour.
QByteArray roleToken(const QString &sub, const QStringList &roles, const QByteArray &secret);
// base64url without padding, as JWT uses it.
QByteArray base64Url(const QByteArray &data);

} // namespace ssehub::test
