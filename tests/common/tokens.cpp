#include "tokens.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMessageAuthenticationCode>

namespace ssehub::test {

QByteArray base64Url(const QByteArray &data)
{
    return data.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

QByteArray makeToken(const QJsonObject &claims, const QByteArray &secret, const QByteArray &alg)
{
    const QByteArray head
        = base64Url(QJsonDocument(QJsonObject {{QStringLiteral("alg"), QString::fromLatin1(alg)},
                                               {QStringLiteral("typ"), QStringLiteral("JWT")}})
                        .toJson(QJsonDocument::Compact));
    const QByteArray body = base64Url(QJsonDocument(claims).toJson(QJsonDocument::Compact));
    const QByteArray signature
        = QMessageAuthenticationCode::hash(head + '.' + body, secret, QCryptographicHash::Sha256);
    return head + '.' + body + '.' + base64Url(signature);
}

QByteArray roleToken(const QString &sub, const QStringList &roles, const QByteArray &secret)
{
    return makeToken({{QStringLiteral("sub"), sub},
                      {QStringLiteral("roles"), QJsonArray::fromStringList(roles)},
                      {QStringLiteral("exp"), double(QDateTime::currentSecsSinceEpoch() + 3600)}},
                     secret);
}

} // namespace ssehub::test
