#include "engine/accessfiles.h"

#include <QFile>
#include <QSslCertificate>
#include <QSslKey>

#include <algorithm>

namespace ssehub::AccessFiles {

bool configured(const EngineConfig &config)
{
    return !config.aclFile.isEmpty() || !config.jwtSecretFile.isEmpty()
        || !config.jwtPublicKeyFiles.isEmpty() || !config.jwksUrl.isEmpty()
        || !config.authHookUrl.isEmpty();
}

bool loadTls(const EngineConfig &config, QSslConfiguration *out, QString *error)
{
    if (config.tlsCertFile.isEmpty() || config.tlsKeyFile.isEmpty()) {
        *error = QStringLiteral("HTTPS needs both --tls-cert and --tls-key");
        return false;
    }
    const QList<QSslCertificate> chain = QSslCertificate::fromPath(config.tlsCertFile);
    if (chain.isEmpty()) {
        *error = QStringLiteral("no PEM certificate in %1").arg(config.tlsCertFile);
        return false;
    }
    QFile keyFile(config.tlsKeyFile);
    if (!keyFile.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read the TLS key %1: %2")
                     .arg(config.tlsKeyFile, keyFile.errorString());
        return false;
    }
    const QByteArray pem = keyFile.readAll();
    QSslKey key(pem, QSsl::Rsa);
    if (key.isNull())
        key = QSslKey(pem, QSsl::Ec);
    if (key.isNull()) {
        *error = QStringLiteral("no unencrypted PEM RSA or EC private key in %1")
                     .arg(config.tlsKeyFile);
        return false;
    }
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setLocalCertificateChain(chain);
    tls.setPrivateKey(key);
    tls.setProtocol(QSsl::TlsV1_2OrLater);
    if (!config.tlsClientCaFile.isEmpty()) {
        const QList<QSslCertificate> cas = QSslCertificate::fromPath(config.tlsClientCaFile);
        if (cas.isEmpty()) {
            *error = QStringLiteral("no PEM certificate in the client CA file %1")
                         .arg(config.tlsClientCaFile);
            return false;
        }
        tls.setCaCertificates(cas); // only these: the system's CAs sign no client of ours
        tls.setPeerVerifyMode(QSslSocket::VerifyPeer);
    } else {
        tls.setPeerVerifyMode(QSslSocket::VerifyNone);
    }
    *out = tls;
    return true;
}

bool loadAuthenticator(const EngineConfig &config, std::shared_ptr<KeyRing> keyRing,
                       Authenticator *out, QString *error)
{
    Authenticator::Options authOptions;
    authOptions.clientCertificates = !config.tlsClientCaFile.isEmpty();
    authOptions.cookieName = config.jwtCookie;
    authOptions.leewayMs = config.jwtLeewayMs;
    authOptions.allowTokensWithoutExp = config.allowTokensWithoutExp;
    authOptions.hook = !config.authHookUrl.isEmpty();
    if (!config.jwtSecretFile.isEmpty()) {
        QFile file(config.jwtSecretFile);
        if (!file.open(QIODevice::ReadOnly)) {
            *error = QStringLiteral("cannot read the JWT secret file %1: %2")
                         .arg(config.jwtSecretFile, file.errorString());
            return false;
        }
        QByteArray secret = file.read(4096);
        while (secret.endsWith('\n') || secret.endsWith('\r'))
            secret.chop(1);
        if (secret.size() < 32) {
            *error = QStringLiteral("the JWT secret in %1 is %2 bytes; HS256 needs at least 32 "
                                    "(e.g. head -c 48 /dev/urandom | base64 > %1)")
                         .arg(config.jwtSecretFile)
                         .arg(secret.size());
            return false;
        }
        authOptions.jwtSecret = secret;
    }
    for (const QString &path : config.jwtPublicKeyFiles) {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly)) {
            *error = QStringLiteral("cannot read the JWT public key file %1: %2")
                         .arg(path, file.errorString());
            return false;
        }
        const QByteArray pem = file.read(64 * 1024);
        if (pem.contains("PRIVATE KEY")) {
            *error = QStringLiteral("%1 holds a private key: give the hub only the public key "
                                    "(openssl pkey -in %1 -pubout)")
                         .arg(path);
            return false;
        }
        HubResult<VerifyKey> key = VerifyKey::fromPem(pem);
        if (!key.ok()) {
            *error
                = QStringLiteral("the JWT public key file %1: %2").arg(path, key.failure().message);
            return false;
        }
        authOptions.publicKeys << key.value();
        // Key files have no kid: every token of their type tries them all.
        const auto sameType = std::count_if(
            authOptions.publicKeys.cbegin(), authOptions.publicKeys.cend(),
            [&](const VerifyKey &other) { return other.type() == key.value().type(); });
        if (sameType > JwtVerifier::MaxKeysTried) {
            *error = QStringLiteral("more than %1 --jwt-public-key-file keys of one type (%2): "
                                    "a token would be tried against each; publish them as a JWKS "
                                    "with kids (--jwks-url) instead")
                         .arg(JwtVerifier::MaxKeysTried)
                         .arg(path);
            return false;
        }
    }
    authOptions.issuer = config.jwtIssuer.toUtf8();
    for (const QString &audience : config.jwtAudiences)
        authOptions.audiences << audience.toUtf8();
    authOptions.keyRing = std::move(keyRing);
    if (!config.aclFile.isEmpty()) {
        HubResult<Acl> acl = Acl::fromFile(config.aclFile);
        if (!acl.ok()) {
            *error = acl.failure().message;
            return false;
        }
        authOptions.acl = std::move(acl.value());
    }

    *out = Authenticator(authOptions);
    if (!out->jwt().isUsable()) {
        *error = QStringLiteral("the JWT secret of %1 cannot be used as an HMAC key (libcrypto "
                                "refused it)")
                     .arg(config.jwtSecretFile);
        return false;
    }
    return true;
}

QStringList warnings(const Authenticator &auth, const QStringList &corsOrigins)
{
    QStringList warnings;
    const QString anonymous = auth.acl().anonymousRole();
    if (auth.acl().isEnabled() && !anonymous.isEmpty()) {
        Identity nobody;
        nobody.roles.insert(anonymous);
        if (auth.acl().isAdmin(nobody))
            warnings << QStringLiteral(
                            "the ACL gives requests without credentials the role '%1', which has "
                            "admin rights: anyone who can reach this hub can read /stats, /log "
                            "and /metrics, kick clients and change their subscriptions; give "
                            "'anonymous' a role without \"admin\": true")
                            .arg(anonymous);
    }
    if (!auth.isEnabled() && corsOrigins.contains(QStringLiteral("*")))
        warnings << QStringLiteral(
            "--cors-origin '*' on a hub without authentication: any web page opened in a browser "
            "that can reach this hub can subscribe, publish and use the admin routes through it; "
            "name the allowed origins, or set --jwt-secret-file and --acl");
    return warnings;
}

} // namespace ssehub::AccessFiles
