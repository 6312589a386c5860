#include "auth/jwksfetcher.h"

#include "auth/cachecontrol.h"
#include "core/clock.h"
#include "core/logcategories.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>

namespace ssehub {

namespace {

// Without a max-age, a set is fetched again after this (within the configured bounds).
constexpr qint64 DefaultRefreshMs = 5 * 60 * 1000;

} // namespace

const char *JwksFetcher::outcomeName(Outcome outcome)
{
    switch (outcome) {
    case Outcome::Loaded:
        return "loaded";
    case Outcome::Unchanged:
        return "unchanged";
    case Outcome::NetworkError:
        return "network_error";
    case Outcome::HttpError:
        return "http_error";
    case Outcome::TooLarge:
        return "too_large";
    case Outcome::Invalid:
        return "invalid";
    case Outcome::Count_:
        break;
    }
    return "unknown";
}

JwksFetcher::JwksFetcher(const Options &options, std::shared_ptr<KeyRing> ring, QObject *parent)
    : QObject(parent)
    , m_options(options)
    , m_ring(std::move(ring))
    , m_network(new QNetworkAccessManager(this))
{
    m_status.url = m_options.url.toString(QUrl::RemoveUserInfo);
    m_ring->expectFetched(true);
    m_ring->onUnknownKid = [guard = QPointer<JwksFetcher>(this)] {
        if (guard)
            guard->refreshForUnknownKid();
    };
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &JwksFetcher::fetch);
}

JwksFetcher::~JwksFetcher()
{
    m_ring->onUnknownKid = nullptr;
    if (m_reply) {
        // A fetch given up here is no failure: finished() must not count, log or reschedule it
        // (abort() emits finished at once, on an object being destroyed).
        m_reply->disconnect(this);
        m_reply->abort();
    }
}

void JwksFetcher::start()
{
    fetch();
}

void JwksFetcher::refreshForUnknownKid()
{
    if (m_reply || (m_sinceFetch.isValid() && m_sinceFetch.elapsed() < m_options.minRefreshMs))
        return;
    qCInfo(lcEngine).noquote() << "a token names a key not in the set of" << m_status.url
                               << "- fetching it again";
    fetch();
}

void JwksFetcher::fetch()
{
    if (m_reply)
        return;
    m_timer.stop();
    m_sinceFetch.start();
    m_status.lastAttemptAtMs = Clock::wallMs();
    QNetworkRequest request(m_options.url);
    request.setTransferTimeout(m_options.timeoutMs);
    // TLS is verified (the default); a redirect from https to http is not followed.
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::NoLessSafeRedirectPolicy);
    request.setMaximumRedirectsAllowed(3);
    request.setRawHeader("Accept", "application/jwk-set+json, application/json");
    request.setHeader(QNetworkRequest::UserAgentHeader, QByteArrayLiteral("ssehub"));
    QNetworkReply *reply = m_network->get(request);
    m_reply = reply;
    const qint64 maxBytes = m_options.limits.maxBytes;
    // The transfer timeout restarts with every byte: a server trickling the document would
    // hold the fetch (and every refresh after it) for good. This deadline does not.
    QTimer::singleShot(m_options.timeoutMs, reply, [reply] {
        reply->setProperty("ssehubTimedOut", true);
        reply->abort();
    });
    connect(reply, &QNetworkReply::downloadProgress, this,
            [reply, maxBytes](qint64 received, qint64 total) {
                if (received > maxBytes || total > maxBytes) {
                    reply->setProperty("ssehubTooLarge", true);
                    reply->abort();
                }
            });
    connect(reply, &QNetworkReply::finished, this, [this, reply] { finished(reply); });
}

void JwksFetcher::finished(QNetworkReply *reply)
{
    reply->deleteLater();
    if (m_reply == reply)
        m_reply = nullptr;
    const qint64 maxBytes = m_options.limits.maxBytes;
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (reply->property("ssehubTooLarge").toBool())
        return fail(Outcome::TooLarge,
                    QStringLiteral("the key set is larger than %1 bytes").arg(maxBytes));
    if (reply->property("ssehubTimedOut").toBool())
        return fail(Outcome::NetworkError,
                    QStringLiteral("no whole answer within %1 ms").arg(m_options.timeoutMs));
    if (reply->error() != QNetworkReply::NoError) {
        // A status of 300 or more is the server's answer (an error, a redirect not followed);
        // a 2xx whose transfer failed (cut short, timed out) is the network's failure.
        if (status >= 300)
            return fail(Outcome::HttpError, QStringLiteral("HTTP %1").arg(status));
        if (status != 0)
            return fail(Outcome::NetworkError,
                        QStringLiteral("%1 (after HTTP %2)").arg(reply->errorString()).arg(status));
        return fail(Outcome::NetworkError, reply->errorString());
    }
    if (status != 200)
        return fail(Outcome::HttpError, QStringLiteral("HTTP %1 (200 expected)").arg(status));
    const QByteArray body = reply->read(maxBytes + 1);
    if (body.size() > maxBytes)
        return fail(Outcome::TooLarge,
                    QStringLiteral("the key set is larger than %1 bytes").arg(maxBytes));

    const qint64 maxAge = cacheControlMaxAgeMs(reply->rawHeader("Cache-Control"));
    const qint64 next = qBound(m_options.minRefreshMs, maxAge < 0 ? DefaultRefreshMs : maxAge,
                               m_options.maxRefreshMs);
    m_retryMs = 1000;
    if (m_ring->hasFetched() && body == m_lastBody) {
        ++m_status.outcomes[int(Outcome::Unchanged)];
        m_status.lastError.clear();
        scheduleNext(next);
        return;
    }
    int skipped = 0;
    HubResult<QList<VerifyKey>> keys = keySetFromJwks(body, m_options.limits, &skipped);
    if (!keys.ok())
        return fail(Outcome::Invalid, keys.failure().message);
    if (keys.value().isEmpty())
        return fail(Outcome::Invalid,
                    QStringLiteral("the key set has no signing key this server can use (%1 "
                                   "skipped)")
                        .arg(skipped));
    const int count = int(keys.value().size());
    const bool first = !m_ring->hasFetched();
    const int removed = m_ring->setFetched(std::move(keys.value()), Clock::wallMs());
    m_lastBody = body;
    ++m_status.outcomes[int(Outcome::Loaded)];
    m_status.keys = count;
    m_status.loadedAtMs = m_ring->fetchedAtMs();
    m_status.lastError.clear();
    qCInfo(lcEngine).noquote() << (first ? "loaded" : "reloaded") << count << "key(s) from"
                               << m_status.url << QStringLiteral("(%1 removed)").arg(removed);
    scheduleNext(next);
    Q_EMIT keysReplaced(count, removed);
}

void JwksFetcher::fail(Outcome outcome, const QString &error)
{
    ++m_status.outcomes[int(outcome)];
    m_status.lastError = error;
    qCWarning(lcEngine).noquote() << "JWKS fetch from" << m_status.url << "failed:" << error
                                  << (m_ring->hasFetched() ? "- the previous key set stays"
                                                           : "- no key set loaded yet");
    qint64 next = m_options.minRefreshMs;
    if (!m_ring->hasFetched()) {
        next = qMin(m_retryMs, m_options.minRefreshMs);
        m_retryMs = qMin(m_retryMs * 2, m_options.minRefreshMs);
    }
    scheduleNext(next);
    Q_EMIT fetchFailed(error);
}

void JwksFetcher::scheduleNext(qint64 inMs)
{
    m_timer.start(int(qBound(qint64(0), inMs, qint64(INT_MAX))));
}

JwksFetcher::Status JwksFetcher::status() const
{
    Status s = m_status;
    s.nextFetchInMs = m_timer.isActive() ? m_timer.remainingTime() : 0;
    return s;
}

} // namespace ssehub
