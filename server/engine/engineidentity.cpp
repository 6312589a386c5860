// The engine's identity sources beyond the access files: the key set of a JWKS URL (and what a
// rotation ends), the auth hook, and their warnings at start.
#include "auth/authhook.h"
#include "auth/jwksfetcher.h"
#include "auth/keyring.h"
#include "core/logcategories.h"
#include "engine/consolefeeds.h"
#include "engine/engine.h"
#include "http/httpfront.h"
#include "hub/hub.h"

#include <QHostAddress>
#include <QUrl>

namespace ssehub {

void Engine::makeKeySources()
{
    m_keyRing = std::make_shared<KeyRing>();
    if (m_config.jwksUrl.isEmpty())
        return;
    JwksFetcher::Options jwks;
    jwks.url = QUrl(m_config.jwksUrl);
    jwks.minRefreshMs = m_config.jwksRefreshMinMs;
    jwks.maxRefreshMs = qMax(m_config.jwksRefreshMinMs, m_config.jwksRefreshMaxMs);
    m_jwks = new JwksFetcher(jwks, m_keyRing, this);
    connect(m_jwks, &JwksFetcher::keysReplaced, this, [this](int, int removed) {
        if (removed > 0)
            keysRemoved(removed);
    });
    connect(m_jwks, &JwksFetcher::fetchFailed, this, [this](const QString &why) {
        logEngine(QStringLiteral("jwks-fetch-failed"),
                  QStringLiteral("%1: %2%3")
                      .arg(m_config.jwksUrl, why,
                           m_keyRing->hasFetched()
                               ? QStringLiteral(" (the previous key set stays)")
                               : QStringLiteral(" (no key set yet: tokens signed with keys "
                                                "get 503)")));
    });
}

void Engine::makeAuthHook()
{
    if (m_config.authHookUrl.isEmpty())
        return;
    AuthHook::Options hook;
    hook.url = QUrl(m_config.authHookUrl);
    hook.timeoutMs = int(m_config.authHookTimeoutMs);
    hook.cacheMaxMs = m_config.authHookCacheMs;
    hook.tokens = m_config.authHookTokens;
    m_authHook = new AuthHook(hook, this);
    m_front->setAuthHook(m_authHook);
}

void Engine::startIdentitySources()
{
    // Plain HTTP beyond this machine: whoever is on the way can answer for the backend.
    auto warnPlainHttp = [this](const QString &value, const QString &risk) {
        const QUrl url(value);
        if (url.scheme() != QLatin1String("http") || url.host() == QLatin1String("localhost")
            || QHostAddress(url.host()).isLoopback())
            return;
        const QString warning = risk.arg(value);
        qCWarning(lcEngine).noquote() << warning;
        m_startProblems << warning;
    };
    if (m_jwks) {
        warnPlainHttp(m_config.jwksUrl,
                      QStringLiteral("--jwks-url %1 is plain HTTP: whoever can change the answer "
                                     "on the way can add keys and sign tokens for this hub; use "
                                     "https"));
        m_jwks->start();
    }
    if (m_authHook)
        warnPlainHttp(m_config.authHookUrl,
                      QStringLiteral("--auth-hook %1 is plain HTTP: the clients' cookies cross "
                                     "the network in clear and whoever is on the way can allow "
                                     "any request; use https"));
}

void Engine::keysRemoved(int removed)
{
    if (!m_front)
        return;
    const Authenticator &auth = m_front->authenticator();
    auth.forgetTokens();
    int ended = 0;
    m_hub->recheckAccess(auth, &ended);
    if (m_feeds)
        m_feeds->recheckAccess();
    const QString message = QStringLiteral("%1 key(s) left the key set of %2; %3 stream(s) "
                                           "whose token they had verified were ended")
                                .arg(removed)
                                .arg(m_config.jwksUrl)
                                .arg(ended);
    qCInfo(lcEngine).noquote() << message;
    logEngine(QStringLiteral("jwks-keys-removed"), message);
}

} // namespace ssehub
