#include "redis/redisbroker.h"

#include "core/clock.h"
#include "core/logcategories.h"
#include "proto/topicfilter.h"
#include "redis/redishome.h"
#include "redis/redisscript.h"
#include "redis/sentinelwatch.h"

#include <QDateTime>
#include <QRandomGenerator>
#include <QTimer>
#include <QUrl>

namespace ssehub {

namespace {

constexpr size_t MaxBuffered = 100000;

// Escapes glob characters so that a topic level matches only itself in a Redis pattern.
QByteArray globLiteral(const QByteArray &text)
{
    QByteArray out;
    out.reserve(text.size());
    for (const char c : text) {
        if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\')
            out.append('\\');
        out.append(c);
    }
    return out;
}

int tickInterval(const RedisBroker::Options &options)
{
    return options.tickMs > 0 ? options.tickMs
                              : qBound(50, options.redis.commandTimeoutMs / 20, 250);
}

// The publish script's age bound: entries before this ms go (ids are Redis's milliseconds,
// judged by this instance's clock); "0": no age bound.
QByteArray ageBound(const RedisBroker::Options &options)
{
    return options.historyTtlMs > 0 ? QByteArray::number(Clock::wallMs() - options.historyTtlMs)
                                    : QByteArrayLiteral("0");
}

RedisConnection::Options commandOptions(const RedisBroker::Options &options)
{
    RedisConnection::Options redis = options.redis;
    redis.keepAliveMs = tickInterval(options); // the ticks keep it busy; a PING if one is late
    return redis;
}

} // namespace

bool RedisBroker::parseUrl(const QString &text, RedisConnection::Options *out, QString *error)
{
    const QUrl url(text, QUrl::StrictMode);
    auto fail = [&](const QString &why) {
        *error = QStringLiteral("invalid Redis URL '%1': %2 (expected "
                                "redis://[:password@]host[:port][/db])")
                     .arg(text, why);
        return false;
    };
    if (!url.isValid())
        return fail(url.errorString());
    if (url.scheme() != QLatin1String("redis"))
        return fail(QStringLiteral("the scheme must be redis"));
    if (url.host().isEmpty())
        return fail(QStringLiteral("no host"));
    if (url.hasQuery() || url.hasFragment())
        return fail(QStringLiteral("no query or fragment allowed"));
    RedisConnection::Options options = *out;
    options.host = url.host();
    const int port = url.port(6379);
    if (port <= 0 || port > 65535)
        return fail(QStringLiteral("bad port"));
    options.port = quint16(port);
    options.password = url.password(QUrl::FullyDecoded).toUtf8();
    const QString path = url.path();
    if (!path.isEmpty() && path != QLatin1String("/")) {
        bool ok = false;
        const int db = path.mid(1).toInt(&ok);
        if (!ok || db < 0)
            return fail(QStringLiteral("the path must be a database number"));
        options.database = db;
    }
    *out = options;
    return true;
}

RedisBroker::RedisBroker(const Options &options, QObject *parent)
    : Broker(parent)
    , m_options(options)
    , m_commands(new RedisConnection(commandOptions(options), this))
    , m_subscriber(new RedisConnection(options.redis, this))
    , m_home(
          new RedisHome(m_commands, m_subscriber, options.prefix, options.prefix + "epoch", this))
    , m_history(options.historySize, options.historyBytes)
    , m_streamKey(options.prefix + "events")
    , m_channelPrefix(options.prefix + "ev:")
    , m_epochKey(options.prefix + "epoch")
{
    const QByteArray token = QByteArray::number(QRandomGenerator::system()->generate64(), 16);
    m_markerChannel = options.prefix + "mark:" + token;
    connect(this, &RedisBroker::readyChanged, m_home, &RedisHome::readyChanged);
    connect(this, &RedisBroker::historyLost, m_home, &RedisHome::historyLost);
    connect(this, &RedisBroker::dataLost, m_home, &RedisHome::dataLost);
    m_tickTimer.setInterval(tickInterval(options));
    connect(&m_tickTimer, &QTimer::timeout, this, &RedisBroker::tick);
    m_subscriber->subscribe(m_markerChannel, [this](const QByteArray &, const QByteArray &message) {
        onMarker(message);
    });
    m_history.setHorizon(StreamIdFlag);
    m_history.setMaxAge(options.historyTtlMs);
    // What an event costs beyond its topic, type and payload (ids and timestamps of today's
    // length, the envelope's keys, the frames' lines, the objects).
    m_entryBaseCost = EventHistory::costOf(
        *makeEvent(StreamIdFlag | (quint64(1'700'000'000'000) << StreamIdSeqBits), {}, {}, {},
                   1'700'000'000'000));
    connect(m_commands, &RedisConnection::ready, this, [this] {
        // The marker key is checked first on every (re)connection: its answer comes before
        // any other component's (ClusterState loads the shared state after this).
        m_tickInFlight = false;
        tick();
        setReady(true);
        runQueuedBacklogs();
        maybeSync();
    });
    connect(m_commands, &RedisConnection::disconnected, this, [this] {
        m_outage.lost(); // a failed first connection counts too (not the first connect itself)
        setReady(false);
        onConnectionLost();
    });
    connect(m_subscriber, &RedisConnection::allSubscribed, this, [this] {
        runQueuedBacklogs();
        maybeSync();
    });
    connect(m_subscriber, &RedisConnection::disconnected, this, &RedisBroker::onConnectionLost);
    if (!options.redis.sentinels.isEmpty()) {
        m_sentinelWatch = new SentinelWatch(options.redis, this);
        connect(m_sentinelWatch, &SentinelWatch::primaryAt, this,
                [this](const QString &host, quint16 port) {
                    const QString reason
                        = QStringLiteral("the sentinels name %1:%2 as the primary now")
                              .arg(host)
                              .arg(port);
                    for (RedisConnection *connection : {m_commands, m_subscriber}) {
                        if (!connection->isAt(host, port))
                            connection->reconnectNow(reason);
                    }
                });
    }
}

RedisBroker::~RedisBroker() = default;

void RedisBroker::start()
{
    if (!m_wasReady)
        m_outage.starting(); // until the first connection
    m_commands->start();
    m_subscriber->start();
    if (m_sentinelWatch)
        m_sentinelWatch->start();
    m_tickTimer.start();
}

void RedisBroker::setReady(bool ready)
{
    if (ready == m_wasReady)
        return;
    m_wasReady = ready;
    if (!ready) {
        m_outage.began();
    } else if (const std::optional<RedisOutage::Report> outage = m_outage.ended()) {
        const QString text = outage->text(address());
        qCWarning(lcRedis).noquote() << text;
        Q_EMIT outageEnded(outage->fromMs, outage->toMs, outage->refused, text);
    }
    Q_EMIT readyChanged(ready);
}

void RedisBroker::refused()
{
    m_outage.refused();
}

QString RedisBroker::state() const
{
    if (!isReady())
        return QStringLiteral("redis %1 unavailable: %2")
            .arg(address(),
                 m_commands->lastError().isEmpty() ? QStringLiteral("connecting")
                                                   : m_commands->lastError());
    if (m_replicasShort)
        return QStringLiteral("redis %1 connected, but fewer replicas than --redis-min-replicas "
                              "confirm publishes: they are answered 503")
            .arg(address());
    return m_syncing ? QStringLiteral("redis %1 catching up").arg(address())
                     : QStringLiteral("redis %1 connected").arg(address());
}

bool RedisBroker::isReady() const
{
    return m_commands->state() == RedisConnection::State::Ready;
}

// --- Publishing -------------------------------------------------------------------------------

void RedisBroker::publish(const PublishRequest &request, Done done)
{
    auto fail = [this, done](HubError error, const QString &message) {
        if (error == HubError::Unavailable)
            refused();
        done(HubFailure {error, message});
    };
    if (!isReady()) {
        fail(HubError::Unavailable,
             QStringLiteral("not ready: Redis at %1 is unavailable (%2); the event was not "
                            "accepted, retry later")
                 .arg(address(), m_commands->lastError()));
        return;
    }
    const QList<QByteArray> keys {m_streamKey, m_streamKey + ":bytes"};
    // The batch script with one event (it returns {id, receivers} for it).
    const QList<QByteArray> args {QByteArray::number(qMax<qsizetype>(m_options.historySize, 1)),
                                  QByteArray::number(m_options.historyBytes),
                                  QByteArray::number(m_entryBaseCost),
                                  ageBound(m_options),
                                  request.topic,
                                  request.type,
                                  request.payloadJson,
                                  m_channelPrefix + request.topic};
    auto handle = [this, fail, done](const RedisReply &reply) {
        if (reply.isError() || reply.type != RedisReply::Type::Array
            || reply.elements.size() != 2) {
            // A lost connection may have lost the command or its answer: the publisher cannot
            // be told it succeeded.
            fail(HubError::Unavailable,
                 QStringLiteral("Redis at %1 did not confirm the event: %2")
                     .arg(address(), QString::fromUtf8(reply.string)));
            return;
        }
        Published result;
        if (!packStreamId(reply.elements.at(0).string, &result.id)) {
            fail(HubError::Internal,
                 QStringLiteral("Redis returned an unusable id '%1'")
                     .arg(QString::fromUtf8(reply.elements.at(0).string)));
            return;
        }
        result.delivered = int(reply.elements.at(1).integer);
        confirmReplicated([done, result](const QString &error) {
            if (error.isEmpty())
                done(result);
            else
                done(HubFailure {HubError::Unavailable, error});
        });
    };
    auto retryRefused = [this, fail] {
        fail(HubError::Unavailable,
             QStringLiteral("Redis at %1 became unavailable; the event was not accepted")
                 .arg(address()));
    };
    if (!publishScript().run(m_commands, keys, args, handle, retryRefused))
        fail(HubError::Unavailable,
             QStringLiteral("Redis at %1 is unavailable; the event was not accepted")
                 .arg(address()));
}

void RedisBroker::publishBatch(const QList<PublishRequest> &requests, BatchDone done)
{
    auto failAll = [this, requests, done](HubError error, const QString &message) {
        if (error == HubError::Unavailable)
            refused();
        QList<PublishResult> results;
        results.reserve(requests.size());
        for (qsizetype i = 0; i < requests.size(); ++i)
            results.append(HubFailure {error, message});
        done(results);
    };
    if (requests.isEmpty()) {
        done({});
        return;
    }
    if (!isReady()) {
        failAll(HubError::Unavailable,
                QStringLiteral("not ready: Redis at %1 is unavailable (%2); the events were not "
                               "accepted, retry later")
                    .arg(address(), m_commands->lastError()));
        return;
    }
    const QList<QByteArray> keys {m_streamKey, m_streamKey + ":bytes"};
    QList<QByteArray> args;
    args.reserve(4 + 4 * requests.size());
    args << QByteArray::number(qMax<qsizetype>(m_options.historySize, 1))
         << QByteArray::number(m_options.historyBytes) << QByteArray::number(m_entryBaseCost)
         << ageBound(m_options);
    for (const PublishRequest &request : requests)
        args << request.topic << request.type << request.payloadJson
             << m_channelPrefix + request.topic;
    auto handle = [this, failAll, done, count = requests.size()](const RedisReply &reply) {
        if (reply.isError() || reply.type != RedisReply::Type::Array
            || reply.elements.size() != 2 * count) {
            // A lost connection may have lost the command or its answer: no event of the
            // batch can be reported as accepted.
            failAll(HubError::Unavailable,
                    QStringLiteral("Redis at %1 did not confirm the events: %2")
                        .arg(address(), QString::fromUtf8(reply.string)));
            return;
        }
        QList<PublishResult> results;
        results.reserve(count);
        for (qsizetype i = 0; i < count; ++i) {
            Published result;
            const QByteArray &id = reply.elements.at(2 * i).string;
            if (!packStreamId(id, &result.id)) {
                results.append(HubFailure {HubError::Internal,
                                           QStringLiteral("Redis returned an unusable id '%1'")
                                               .arg(QString::fromUtf8(id))});
                continue;
            }
            result.delivered = int(reply.elements.at(2 * i + 1).integer);
            results.append(result);
        }
        confirmReplicated([done, results](const QString &error) mutable {
            if (!error.isEmpty()) {
                for (PublishResult &result : results) {
                    if (result.ok())
                        result = HubFailure {HubError::Unavailable, error};
                }
            }
            done(results);
        });
    };
    auto retryRefused = [failAll, this] {
        failAll(HubError::Unavailable,
                QStringLiteral("Redis at %1 became unavailable; the events were not accepted")
                    .arg(address()));
    };
    if (!publishScript().run(m_commands, keys, args, handle, retryRefused))
        failAll(HubError::Unavailable,
                QStringLiteral("Redis at %1 is unavailable; the events were not accepted")
                    .arg(address()));
}

void RedisBroker::confirmReplicated(std::function<void(const QString &error)> done)
{
    if (m_options.minReplicas <= 0) {
        done({});
        return;
    }
    // One WAIT for every publish confirmed by Redis meanwhile: it covers everything the
    // connection wrote before it. At most one is pending: Redis runs nothing sent after a WAIT
    // on this connection until it answers, so a second one would make the commands behind it
    // wait twice the timeout.
    m_replicaWaiters.push_back(std::move(done));
    if (m_replicaWaiters.size() == 1 && !m_replicaWaitPending)
        QMetaObject::invokeMethod(this, &RedisBroker::sendReplicaWait, Qt::QueuedConnection);
}

void RedisBroker::sendReplicaWait()
{
    if (m_replicaWaitPending || m_replicaWaiters.empty())
        return;
    auto waiters = std::make_shared<std::vector<std::function<void(const QString &)>>>(
        std::exchange(m_replicaWaiters, {}));
    m_replicaWaitPending = true;
    const int wanted = m_options.minReplicas;
    auto answer = [this, wanted, waiters](qint64 confirmed, const QString &why) {
        QString error;
        m_replicasShort = confirmed < wanted;
        if (confirmed >= wanted) {
            ++m_replicaWaits[0];
        } else {
            ++m_replicaWaits[1];
            error = QStringLiteral("Redis at %1 has the event, but %2 of the %3 replicas "
                                   "--redis-min-replicas asks for confirmed it within %4 ms (%5): "
                                   "it may be delivered, and lost if the primary fails now; a "
                                   "retry may deliver it twice")
                        .arg(address())
                        .arg(confirmed)
                        .arg(wanted)
                        .arg(m_options.replicaTimeoutMs)
                        .arg(why);
        }
        m_replicaWaitPending = false;
        for (const auto &done : *waiters)
            done(error);
        sendReplicaWait(); // for the publishes confirmed while this one was pending
    };
    // WAIT on the connection that wrote: it counts the replicas that acknowledged everything
    // this connection wrote so far. Redis answers it after the timeout at the latest, and runs
    // the commands sent after it only then.
    const bool sent = m_commands->command(
        {QByteArrayLiteral("WAIT"), QByteArray::number(wanted),
         QByteArray::number(m_options.replicaTimeoutMs)},
        [answer](const RedisReply &reply) {
            if (reply.type != RedisReply::Type::Integer)
                answer(0, QString::fromUtf8(reply.string.left(200)));
            else
                answer(reply.integer, QStringLiteral("replicas down or behind"));
        });
    if (!sent)
        answer(0, QStringLiteral("the connection was lost"));
}

// --- Live events ------------------------------------------------------------------------------

QByteArray RedisBroker::channelFor(const QByteArray &filter, bool *pattern) const
{
    const TopicFilter parsed = TopicFilter::parse(filter);
    *pattern = parsed.hasWildcard();
    if (!*pattern)
        return m_channelPrefix + filter;
    // '+' becomes '*' (which also crosses levels) and a trailing '#' becomes '*' after its
    // parent (which also matches longer names): a superset, narrowed by the hub's matching.
    QByteArray glob = globLiteral(m_channelPrefix);
    const QList<QByteArray> &levels = parsed.levels();
    for (qsizetype i = 0; i < levels.size(); ++i) {
        const QByteArray &level = levels.at(i);
        if (level == "#") {
            if (i > 0)
                glob.chop(1); // the '/' before it: "a/#" matches "a" too
            glob += '*';
            break;
        }
        glob += level == "+" ? QByteArray("*") : globLiteral(level);
        if (i + 1 < levels.size())
            glob += '/';
    }
    return glob;
}

void RedisBroker::watch(const QByteArray &filter)
{
    bool pattern = false;
    const QByteArray name = channelFor(filter, &pattern);
    if (m_subscribed[name]++ > 0)
        return;
    auto handler = [this](const QByteArray &channel, const QByteArray &message) {
        onMessage(channel, message);
    };
    if (pattern)
        m_subscriber->psubscribe(name, handler);
    else
        m_subscriber->subscribe(name, handler);
}

void RedisBroker::unwatch(const QByteArray &filter)
{
    bool pattern = false;
    const QByteArray name = channelFor(filter, &pattern);
    auto it = m_subscribed.find(name);
    if (it == m_subscribed.end() || --*it > 0)
        return;
    m_subscribed.erase(it);
    if (pattern)
        m_subscriber->punsubscribe(name);
    else
        m_subscriber->unsubscribe(name);
}

void RedisBroker::onMessage(const QByteArray &channel, const QByteArray &message)
{
    if (!channel.startsWith(m_channelPrefix))
        return;
    // "<id>\n<type>\n<payload>"
    const qsizetype first = message.indexOf('\n');
    const qsizetype second = first < 0 ? -1 : message.indexOf('\n', first + 1);
    quint64 id = 0;
    if (second < 0 || !packStreamId(QByteArrayView(message).first(first), &id)) {
        qCWarning(lcRedis).noquote()
            << "ignored a malformed message on" << channel
            << "- something other than ssehub publishes on this prefix; give this cluster its "
               "own --redis-prefix";
        return;
    }
    if (id <= m_lastSeen && !m_syncing)
        return; // already delivered (a topic matched by a channel and a pattern arrives twice)
    const QByteArray topic = channel.mid(m_channelPrefix.size());
    const EventPtr event
        = makeEvent(id, topic, message.mid(first + 1, second - first - 1), message.mid(second + 1),
                    qint64((id & ~StreamIdFlag) >> StreamIdSeqBits));
    if (m_syncing) {
        if (m_buffer.size() >= MaxBuffered) {
            m_buffer.clear(); // the sync reads further pages from the Stream instead
            m_bufferOverflowed = true;
        }
        if (m_buffer.empty() || id > m_buffer.back()->id)
            m_buffer.push_back(event);
        return;
    }
    accept(event);
}

void RedisBroker::accept(const EventPtr &event)
{
    if (event->id <= m_lastSeen)
        return;
    m_lastSeen = event->id;
    m_covered = qMax(m_covered, event->id); // in order: every earlier one arrived too
    m_history.append(event);
    dispatch(event);
}

// --- Where "now" is for a stream that starts while this instance catches up --------------------

void RedisBroker::fetchLiveStart(LiveStartDone done)
{
    if (!m_syncing) {
        done(m_lastSeen); // in step: the newest event this instance has is "now"
        return;
    }
    m_queuedLiveStarts.push_back({Clock::wallMs(), std::move(done)});
    runQueuedLiveStarts();
}

void RedisBroker::runQueuedLiveStarts()
{
    if (m_queuedLiveStarts.empty())
        return;
    // The ids from a stream's opening time on (Stream ids are Redis's milliseconds), or the
    // Stream's end if that is older: what others published after it opened reaches it (sync or
    // live, kept while it waited), what came before not.
    const auto startFor = [](const LiveStartRequest &request, quint64 end) {
        const quint64 opened
            = StreamIdFlag | (quint64(qMax<qint64>(request.openedAtMs, 1)) << StreamIdSeqBits);
        return qMin(end, opened - 1);
    };
    if (!m_syncing) {
        // Caught up meanwhile: the sync has passed the events it must get on to it already.
        auto queued = std::exchange(m_queuedLiveStarts, {});
        for (auto &request : queued)
            request.done(startFor(request, m_lastSeen));
        return;
    }
    if (!isReady() || !m_subscriber->subscriptionsConfirmed())
        return; // again when Redis is back (runQueuedBacklogs) or the sync ends
    auto queued
        = std::make_shared<std::vector<LiveStartRequest>>(std::exchange(m_queuedLiveStarts, {}));
    readStream(std::nullopt, 0, [this, queued, startFor](StreamRead read) {
        if (!read.ok) {
            for (auto &request : *queued)
                m_queuedLiveStarts.push_back(std::move(request));
            return;
        }
        for (auto &request : *queued)
            request.done(startFor(request, read.last));
    });
}

} // namespace ssehub
