#pragma once

#include <QJsonObject>
#include <QMap>
#include <QString>
#include <QStringList>

namespace ssehub {

// Which identity sources the engine uses and how they fare: the Overview's Identity card and
// /stats' "identity" (docs/API.md). Taken with each snapshot on the engine thread, never per
// event; every string and list is bounded, so that a feed from a hostile server cannot make a
// console hold more.
struct IdentityStatus
{
    static constexpr qsizetype MaxErrorChars = 512;
    static constexpr qsizetype MaxUrlChars = 2048;
    static constexpr qsizetype MaxCounts = 16; // names in one count map
    static constexpr qsizetype MaxNameChars = 32;

    bool hs256 = false; // --jwt-secret-file
    int publicKeyFiles = 0; // --jwt-public-key-file
    bool clientCertificates = false; // --tls-client-ca
    bool acl = false; // --acl

    // --jwks-url: the key set fetched from it.
    struct Jwks
    {
        QString url; // without user info or query; empty: no JWKS URL
        int keys = 0;
        qint64 loadedAtMs = 0; // when the keys in force were fetched (wall ms); 0: no set yet
        qint64 lastAttemptAtMs = 0; // 0: none yet
        QString lastError; // of the last fetch; empty when it succeeded
        qint64 nextFetchInMs = 0;
        QMap<QString, quint64> fetches; // by outcome, as /metrics names them ("loaded", ...)
        bool operator==(const Jwks &) const = default;
    } jwks;

    // --auth-hook: the backend asked about requests without a token.
    struct Hook
    {
        QString url; // without user info or query; empty: no auth hook
        qint64 lastLatencyMs = -1; // of the last answered call; -1: none yet
        QString lastError; // of the last call that failed; empty after a success
        int cacheEntries = 0;
        int inFlight = 0;
        QMap<QString, quint64> calls; // by outcome ("allow", "deny", "timeout", ...)
        bool operator==(const Hook &) const = default;
    } hook;

    // Tokens verified by result ("verified", "expired", "bad_signature", ...); empty when the
    // engine verifies no tokens.
    QMap<QString, quint64> tokenChecks;

    bool hasJwks() const { return !jwks.url.isEmpty(); }
    bool hasHook() const { return !hook.url.isEmpty(); }
    // No source at all: anyone who reaches the listen address is let in.
    bool isEmpty() const { return sources().isEmpty(); }
    // The sources in force by their names in /stats: "hs256", "public_keys", "jwks",
    // "client_certificates", "auth_hook", "acl".
    QStringList sources() const;

    QJsonObject toJson() const;
    // Reads what toJson() wrote (a missing object: no source), within the bounds above.
    static IdentityStatus fromJson(const QJsonObject &o);
    // A URL as shown: without user info, query or fragment (they may hold a secret).
    static QString shownUrl(const QString &url);
    // An error cut to MaxErrorChars.
    static QString boundedError(const QString &error);

    bool operator==(const IdentityStatus &) const = default;
};

} // namespace ssehub
