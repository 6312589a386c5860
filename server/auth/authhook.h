#pragma once

#include "auth/identity.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QHash>
#include <QList>
#include <QObject>
#include <QString>
#include <QUrl>

#include <array>
#include <functional>

QT_BEGIN_NAMESPACE
class QNetworkAccessManager;
class QNetworkReply;
QT_END_NAMESPACE

namespace ssehub {

// --auth-hook: asks the application's backend whether a request the hub cannot decide for
// alone (no token, or with --auth-hook-tokens one it cannot verify) may go ahead. One POST of
// a JSON description per question; the answer becomes the request's identity. Identical
// questions asked while one is on its way share its answer; answers are remembered for the
// time the backend allows (Cache-Control: max-age), at most --auth-hook-cache, denials at most
// DenialCacheMs. A timeout, a transport error, a 5xx or an answer that cannot be read is
// "unavailable" (503): the hook never allows by default. Lives on the engine thread.
class AuthHook : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        QUrl url;
        int timeoutMs = 2000;
        qint64 cacheMaxMs = 60000; // the longest an answer is remembered (0: never)
        bool tokens = false; // tokens that fail local verification are asked about too
        int maxCacheEntries = 10000;
        int maxInFlight = 1000; // distinct questions waiting for an answer; more: 503
    };
    static constexpr qint64 DenialCacheMs = 5000;
    // Answers are remembered as the backend sent them (and read again when used): their bytes
    // are bounded, whatever their lists weigh once parsed.
    static constexpr qint64 MaxCacheBytes = 8 * 1024 * 1024;
    static constexpr qint64 MaxAnswerBytes = 64 * 1024;
    static constexpr int MaxHeaderBytes = 8 * 1024; // each header passed on

    struct Question
    {
        QByteArray operation; // "connect", "subscribe" or "publish"
        QString clientId; // the client_id the request names; empty: none
        QList<QByteArray> targets; // filters (connect, subscribe) or topics (publish)
        QString remote; // "address:port"
        QByteArray cookie;
        QByteArray authorization;
        QByteArray origin;
    };
    struct Answer
    {
        enum class Kind { Allow, Deny, Unavailable };
        Kind kind = Kind::Unavailable;
        QString message; // why not (Deny, Unavailable)
        // Allow: what the backend said. grantsGiven: the lists were in the answer (an empty
        // list then grants nothing).
        QString clientId;
        QStringList roles;
        QList<TopicFilter> subscribe;
        QList<TopicFilter> publish;
        bool subscribeGiven = false;
        bool publishGiven = false;
        qint64 expiresAtMs = 0;
    };
    // Busy: refused without a call (MaxInFlight questions were waiting already).
    enum class Outcome { Allow, Deny, Timeout, Error, Invalid, Busy, Count_ };
    static const char *outcomeName(Outcome outcome);

    struct Stats
    {
        std::array<quint64, int(Outcome::Count_)> calls {};
        quint64 cacheHits = 0;
        quint64 shared = 0; // questions answered by a call already on its way
        int cacheEntries = 0;
        qint64 cacheBytes = 0;
        int inFlight = 0;
        // Latency: cumulative counts per bucket of LatencyBounds, sum and count.
        std::array<quint64, 10> buckets {};
        double latencySumSeconds = 0;
        quint64 latencyCount = 0;
        qint64 lastLatencyMs = -1; // of the last answered call; -1: none yet
        QString lastError; // of the last call that failed; empty after a success
    };
    static constexpr std::array<double, 10> LatencyBounds {0.005, 0.01, 0.025, 0.05, 0.1,
                                                           0.25,  0.5,  1.0,   2.5,  5.0};

    explicit AuthHook(const Options &options, QObject *parent = nullptr);
    ~AuthHook() override;

    const Options &options() const { return m_options; }
    using Done = std::function<void(const Answer &answer)>;
    // Answers at once from the cache (or when too many questions wait), or when the backend
    // answered.
    void ask(const Question &question, Done done);
    // The server stops: every waiting question is answered "unavailable" now.
    void cancelAll();
    Stats stats() const;

    // What the backend's answer says, read from its status, Cache-Control and body: exposed
    // for the fuzz and unit tests. *cacheMs: how long it may be remembered.
    Answer readAnswer(int status, const QByteArray &cacheControl, const QByteArray &body,
                      qint64 nowMs, qint64 *cacheMs, Outcome *outcome) const;
    static QByteArray questionJson(const Question &question);

private:
    struct Call
    {
        QList<Done> waiting;
        QElapsedTimer timer;
    };
    struct Remembered
    {
        int status = 0;
        QByteArray body;
        qint64 untilMs = 0; // monotonic
    };
    static QByteArray keyOf(const Question &question);
    void finished(QNetworkReply *reply, const QByteArray &key);
    void count(Outcome outcome, qint64 elapsedMs, const QString &error);
    void remember(const QByteArray &key, int status, const QByteArray &body, qint64 ms);

    Options m_options;
    QNetworkAccessManager *m_network = nullptr;
    QHash<QByteArray, Call> m_calls; // by key, while on their way
    QHash<QByteArray, Remembered> m_cache;
    qint64 m_cacheBytes = 0;
    Stats m_stats;
};

} // namespace ssehub
