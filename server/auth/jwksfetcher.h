#pragma once

#include "auth/keyring.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <QUrl>

#include <memory>

QT_BEGIN_NAMESPACE
class QNetworkAccessManager;
class QNetworkReply;
QT_END_NAMESPACE

namespace ssehub {

// Keeps the key set of a JWKS URL (--jwks-url) in a KeyRing, on the thread it lives on (the
// engine's). It fetches at start, again when the answer's Cache-Control max-age says (held within
// [minRefreshMs, maxRefreshMs]; without one, 5 minutes within those bounds) and when a token
// names a kid no key has, at most once per minRefreshMs, so that a flood of tokens with random
// kids costs the provider one request per interval. TLS is verified; a redirect to plain HTTP is
// not followed; an answer over the size bound, not JSON, not a key set, or without a usable
// signing key is refused and the last good set stays in force. Until a first set arrives it
// retries after 1, 2, 4 ... seconds (at most minRefreshMs).
class JwksFetcher : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        QUrl url;
        qint64 minRefreshMs = 30000;
        qint64 maxRefreshMs = 3600 * 1000;
        int timeoutMs = 10000;
        KeySetLimits limits;
    };
    // How a fetch ended, counted for /metrics (ssehub_jwks_fetches_total).
    enum class Outcome { Loaded, Unchanged, NetworkError, HttpError, TooLarge, Invalid, Count_ };
    static const char *outcomeName(Outcome outcome);

    // What the console and /stats show of it.
    struct Status
    {
        QString url;
        int keys = 0;
        qint64 loadedAtMs = 0; // when the keys in force were fetched (wall ms); 0: never
        qint64 lastAttemptAtMs = 0;
        QString lastError; // of the last fetch; empty when it succeeded
        qint64 nextFetchInMs = 0;
        quint64 outcomes[int(Outcome::Count_)] = {};
    };

    JwksFetcher(const Options &options, std::shared_ptr<KeyRing> ring, QObject *parent = nullptr);
    ~JwksFetcher() override;

    void start();
    // A token named an unknown kid: fetches now unless one ran within minRefreshMs.
    void refreshForUnknownKid();
    Status status() const;
    const Options &options() const { return m_options; }

Q_SIGNALS:
    // A fetch replaced the key set; removed: keys of the previous set that are gone (streams
    // verified with them must be checked again).
    void keysReplaced(int keys, int removed);
    // A fetch failed; the previous set (if any) stays.
    void fetchFailed(const QString &error);

private:
    void fetch();
    void finished(QNetworkReply *reply);
    void fail(Outcome outcome, const QString &error);
    void scheduleNext(qint64 inMs);

    Options m_options;
    std::shared_ptr<KeyRing> m_ring;
    QNetworkAccessManager *m_network = nullptr;
    QPointer<QNetworkReply> m_reply;
    QTimer m_timer;
    QElapsedTimer m_sinceFetch; // since the last fetch started
    QByteArray m_lastBody; // of the set in force: an identical answer is Unchanged
    qint64 m_retryMs = 1000;
    Status m_status;
};

} // namespace ssehub
