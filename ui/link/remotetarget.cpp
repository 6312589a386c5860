#include "remotetarget.h"

#include <QCoreApplication>
#include <QFile>
#include <QSslCertificate>
#include <QSslKey>

namespace ssehub {

namespace {

// A credentials file is small; anything bigger is not one.
constexpr qint64 MaxFileBytes = 1024 * 1024;

bool readSmallFile(const QString &path, QByteArray *out, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QCoreApplication::translate("ssehub::RemoteTarget", "cannot read %1: %2")
                     .arg(path, file.errorString());
        return false;
    }
    if (file.size() > MaxFileBytes) {
        *error = QCoreApplication::translate("ssehub::RemoteTarget",
                                             "%1 is too large to hold credentials")
                     .arg(path);
        return false;
    }
    *out = file.read(MaxFileBytes);
    return true;
}

} // namespace

QUrl RemoteTarget::parseUrl(const QString &text, QString *error)
{
    QString trimmed = text.trimmed();
    if (!trimmed.contains(QLatin1String("://")))
        trimmed.prepend(QLatin1String("http://"));
    QUrl url(trimmed, QUrl::StrictMode);
    const QString scheme = url.scheme().toLower();
    if (!url.isValid() || url.host().isEmpty()) {
        *error = QCoreApplication::translate(
                     "ssehub::RemoteTarget",
                     "'%1' is not a server address (e.g. http://127.0.0.1:8080)")
                     .arg(text);
        return {};
    }
    if (scheme != QLatin1String("http") && scheme != QLatin1String("https")) {
        *error = QCoreApplication::translate("ssehub::RemoteTarget",
                                             "'%1': the console speaks http:// or https://")
                     .arg(text);
        return {};
    }
    if (!url.userInfo().isEmpty() || url.hasQuery() || url.hasFragment()
        || (!url.path().isEmpty() && url.path() != QLatin1String("/"))) {
        *error = QCoreApplication::translate("ssehub::RemoteTarget",
                                             "'%1': give only the scheme, host and port")
                     .arg(text);
        return {};
    }
    QUrl clean;
    clean.setScheme(scheme);
    clean.setHost(url.host());
    clean.setPort(url.port(scheme == QLatin1String("https") ? 443 : 80));
    return clean;
}

QString RemoteTarget::displayName() const
{
    return url.toString(QUrl::RemovePath | QUrl::StripTrailingSlash);
}

QString RemoteCredentials::load(const RemoteTarget &target, RemoteCredentials *out)
{
    QString error;
    out->token = target.token.trimmed();
    if (out->token.isEmpty() && !target.tokenFile.isEmpty()) {
        if (!readSmallFile(target.tokenFile, &out->token, &error))
            return error;
        out->token = out->token.trimmed();
        if (out->token.isEmpty())
            return QCoreApplication::translate("ssehub::RemoteTarget", "%1 holds no token")
                .arg(target.tokenFile);
    }
    // A token goes into a header line: nothing that could end it.
    for (const char c : std::as_const(out->token)) {
        if (uchar(c) < 0x21 || uchar(c) > 0x7e)
            return QCoreApplication::translate(
                "ssehub::RemoteTarget",
                "the token holds characters a token cannot have (spaces, line breaks)");
    }

    out->ssl = QSslConfiguration::defaultConfiguration();
    if (!target.caFile.isEmpty()) {
        const QList<QSslCertificate> cas = QSslCertificate::fromPath(target.caFile, QSsl::Pem);
        if (cas.isEmpty())
            return QCoreApplication::translate("ssehub::RemoteTarget",
                                               "%1 holds no PEM certificate")
                .arg(target.caFile);
        out->ssl.addCaCertificates(cas);
    }
    if (target.clientCert.isEmpty() != target.clientKey.isEmpty())
        return QCoreApplication::translate(
            "ssehub::RemoteTarget",
            "a client certificate needs both its certificate and its key file");
    if (!target.clientCert.isEmpty()) {
        const QList<QSslCertificate> certs
            = QSslCertificate::fromPath(target.clientCert, QSsl::Pem);
        if (certs.isEmpty())
            return QCoreApplication::translate("ssehub::RemoteTarget",
                                               "%1 holds no PEM certificate")
                .arg(target.clientCert);
        QByteArray pem;
        if (!readSmallFile(target.clientKey, &pem, &error))
            return error;
        QSslKey key(pem, QSsl::Rsa, QSsl::Pem);
        if (key.isNull())
            key = QSslKey(pem, QSsl::Ec, QSsl::Pem);
        if (key.isNull())
            return QCoreApplication::translate("ssehub::RemoteTarget",
                                               "%1 holds no unencrypted PEM RSA or EC key")
                .arg(target.clientKey);
        out->ssl.setLocalCertificate(certs.first());
        out->ssl.setPrivateKey(key);
    }
    return {};
}

} // namespace ssehub
