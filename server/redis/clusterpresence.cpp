#include "redis/clusterpresence.h"

#include "core/clock.h"
#include "hub/hub.h"
#include "hub/presencetracker.h"
#include "proto/event.h"
#include "redis/clusterstate.h"
#include "redis/redishome.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>

#include <optional>

namespace ssehub {

namespace {

// Fields per HSET or HDEL: a large change is written in several commands.
constexpr int FieldsPerCommand = 500;

// Reads the Hashes named by KEYS, one reply each (an empty list for a key that is gone).
constexpr char ReadScript[] = "local r = {}\n"
                              "for i, k in ipairs(KEYS) do r[i] = redis.call('HGETALL', k) end\n"
                              "return r\n";

} // namespace

ClusterPresence::ClusterPresence(const Options &options, RedisHome *home, ClusterState *cluster,
                                 Hub *hub, PresenceTracker *tracker, QObject *parent)
    : QObject(parent)
    , m_options(options)
    , m_home(home)
    , m_cluster(cluster)
    , m_hub(hub)
    , m_tracker(tracker)
    , m_key(keyOf(options.nodeId))
{
    m_tracker->setChangeSink([this](const QSet<QString> &ids) { changed(ids); });
    m_tracker->watch();
    m_writeTimer.setSingleShot(true);
    m_writeTimer.setInterval(m_options.writeDelayMs);
    connect(&m_writeTimer, &QTimer::timeout, this, &ClusterPresence::writeDirty);
    m_renewTimer.setInterval(qMax(50, m_options.refreshMs));
    connect(&m_renewTimer, &QTimer::timeout, this, &ClusterPresence::renew);
    m_renewTimer.start();
    // What this instance wrote before a restart, or before Redis went away, is replaced whole.
    connect(m_home, &RedisHome::readyChanged, this, [this](bool ready) {
        if (ready)
            writeAll();
    });
    connect(m_home, &RedisHome::dataLost, this, &ClusterPresence::writeAll);
}

QByteArray ClusterPresence::keyOf(const QString &nodeId) const
{
    return m_home->prefix() + "presence:" + nodeId.toUtf8();
}

QByteArray ClusterPresence::record(const Client &client)
{
    if (client.streams.isEmpty())
        return {};
    QByteArray out = "{\"s\":" + QByteArray::number(client.streams.size())
        + ",\"j\":" + QByteArray::number(client.onlineSinceMs) + ",\"f\":{";
    bool first = true;
    for (const Subscription &s : client.subscriptions) {
        if (!s.delivers())
            continue;
        if (!first)
            out += ',';
        first = false;
        out += jsonString(s.filter.text()) + ':' + QByteArray::number(s.listeningSince());
    }
    return out + "}}";
}

void ClusterPresence::changed(const QSet<QString> &ids)
{
    m_dirty.unite(ids);
    if (!m_writeTimer.isActive())
        m_writeTimer.start();
}

void ClusterPresence::writeDirty()
{
    if (m_dirty.isEmpty() || !m_home->isReady())
        return; // kept: everything is written when Redis is back
    QList<QByteArray> sets {"HSET", m_key};
    QList<QByteArray> dels {"HDEL", m_key};
    RedisConnection *redis = m_home->commands();
    const auto send = [redis, this](QList<QByteArray> &args, int base) {
        if (args.size() > base) {
            redis->command(args, [](const RedisReply &) {});
            ++m_writes;
        }
        args.resize(2);
    };
    for (const QString &id : std::as_const(m_dirty)) {
        const Client *client = m_hub->client(id);
        const QByteArray value = client ? record(*client) : QByteArray();
        if (value.isEmpty()) {
            dels << id.toUtf8();
            if (dels.size() >= 2 + FieldsPerCommand)
                send(dels, 2);
        } else {
            sets << id.toUtf8() << value;
            if (sets.size() >= 2 + 2 * FieldsPerCommand)
                send(sets, 2);
        }
    }
    send(sets, 2);
    send(dels, 2);
    m_dirty.clear();
    redis->command({"PEXPIRE", m_key, QByteArray::number(m_options.ttlMs)},
                   [](const RedisReply &) {});
}

void ClusterPresence::writeAll()
{
    if (!m_home->isReady())
        return;
    m_dirty.clear();
    m_home->commands()->command({"DEL", m_key}, [](const RedisReply &) {});
    m_hub->forEachClient([this](const Client &c) {
        if (!c.streams.isEmpty())
            m_dirty.insert(c.id);
    });
    writeDirty();
}

void ClusterPresence::renew()
{
    if (!m_home->isReady())
        return;
    if (!m_dirty.isEmpty()) {
        writeDirty(); // renews too
        return;
    }
    // A key that expired meanwhile (this instance stalled past the expiry: a frozen VM, a long
    // swap) is written again whole, or the clients that did not change would stay missing.
    m_home->commands()->command({"PEXPIRE", m_key, QByteArray::number(m_options.ttlMs)},
                                [guard = QPointer<ClusterPresence>(this)](const RedisReply &r) {
                                    if (guard && r.type == RedisReply::Type::Integer
                                        && r.integer == 0)
                                        guard->writeAll();
                                });
}

void ClusterPresence::query(const TopicFilter &filter, Done done, bool bounded)
{
    QStringList others;
    const QJsonArray nodes = m_cluster->nodes();
    for (const QJsonValue &node : nodes) {
        const QString id = node.toObject().value(QLatin1String("id")).toString();
        if (!id.isEmpty() && id != m_options.nodeId)
            others << id;
    }
    if (others.isEmpty()) {
        m_records.clear(); // nobody else is registered
        m_nodesRead = 0;
        m_readAtMs = -1;
    }
    if (bounded && !m_tracker->questionBudget().take()) {
        done(m_tracker->overBudget());
        return;
    }
    if (others.isEmpty() || readIsFresh()) {
        done(answer(filter));
        return;
    }
    if (m_waiting.size() + m_answering.size() - m_answered >= size_t(MaxWaiting)) {
        PresenceAnswer busy;
        busy.error = QStringLiteral("too many presence questions are waiting for Redis; retry");
        done(busy);
        return;
    }
    m_waiting.push_back({filter, std::move(done), bounded, {}});
    if (!m_reading)
        read(others);
}

bool ClusterPresence::readIsFresh() const
{
    return m_readAtMs >= 0 && Clock::monotonicMs() - m_readAtMs < CacheMs;
}

void ClusterPresence::read(const QStringList &nodes)
{
    QList<QByteArray> args {"EVAL", ReadScript, QByteArray::number(nodes.size())};
    for (const QString &id : nodes)
        args << keyOf(id);
    m_reading = true;
    ++m_reads;
    const bool sent = m_home->commands()->command(
        args, [guard = QPointer<ClusterPresence>(this), nodes](const RedisReply &r) {
            if (!guard)
                return;
            if (r.isError() || r.type != RedisReply::Type::Array
                || r.elements.size() != nodes.size()) {
                guard->readDone(QStringLiteral("the other instances' presence could not be read "
                                               "from Redis: %1")
                                    .arg(QString::fromUtf8(r.string.left(200))));
                return;
            }
            QList<Record> records;
            for (qsizetype n = 0; n < nodes.size(); ++n) {
                const RedisReply &hash = r.elements.at(n);
                for (qsizetype i = 0; i + 1 < hash.elements.size(); i += 2) {
                    const QJsonObject o
                        = QJsonDocument::fromJson(hash.elements.at(i + 1).string).object();
                    Record record;
                    record.clientId = QString::fromUtf8(hash.elements.at(i).string);
                    record.node = nodes.at(n);
                    record.streams = o.value(QLatin1String("s")).toInt();
                    record.since = qint64(o.value(QLatin1String("j")).toDouble());
                    const QJsonObject filters = o.value(QLatin1String("f")).toObject();
                    for (auto it = filters.begin(); it != filters.end(); ++it) {
                        const TopicFilter f = TopicFilter::parse(it.key().toUtf8());
                        if (f.isValid())
                            record.filters.append({f, qint64(it.value().toDouble())});
                    }
                    if (record.streams > 0 && !record.filters.isEmpty())
                        records.append(std::move(record));
                }
            }
            guard->m_records = std::move(records);
            guard->m_nodesRead = int(nodes.size());
            guard->m_readAtMs = Clock::monotonicMs();
            guard->readDone({});
        });
    if (!sent)
        readDone(QStringLiteral("Redis is unreachable: the other instances' presence cannot be "
                                "read now"));
}

void ClusterPresence::readDone(const QString &error)
{
    m_reading = false;
    m_shared.reset(); // the records changed
    std::vector<Waiting> batch = std::exchange(m_waiting, {});
    for (Waiting &w : batch)
        w.error = error;
    // Identical questions side by side: the answer is computed once for them. Sorted within
    // the batch only, behind what is still to be answered, so that no question is overtaken
    // for ever by later ones.
    std::stable_sort(batch.begin(), batch.end(), [](const Waiting &a, const Waiting &b) {
        return std::tie(a.error, a.filter.text()) < std::tie(b.error, b.filter.text());
    });
    m_answering.erase(m_answering.begin(), m_answering.begin() + qsizetype(m_answered));
    m_answered = 0;
    std::move(batch.begin(), batch.end(), std::back_inserter(m_answering));
    if (!m_answerQueued)
        answerSome();
}

void ClusterPresence::answerQueued()
{
    m_answerQueued = false;
    answerSome();
}

void ClusterPresence::answerSome()
{
    QElapsedTimer slice;
    slice.start();
    WorkBudget &budget = m_tracker->questionBudget();
    while (m_answered < m_answering.size() && slice.elapsed() < SliceMs) {
        // Taken out before its callback runs: a callback may ask again.
        const Waiting w = std::move(m_answering[m_answered++]);
        const QByteArray key = w.error.toUtf8() + '\n' + w.filter.text();
        if (!m_shared || m_sharedKey != key) {
            m_shared.reset();
            m_sharedKey = key;
        }
        if (!w.error.isEmpty()) {
            PresenceAnswer failed;
            failed.error = w.error;
            w.done(failed);
            continue;
        }
        if (w.bounded && !budget.take()) {
            w.done(m_tracker->overBudget());
            continue;
        }
        if (!m_shared)
            m_shared = answer(w.filter); // paid once for the identical questions that follow
        // Each question still sorts, counts and writes its copy of the entries.
        budget.spend(1 + double(m_shared->entries.size()));
        w.done(*m_shared);
    }
    if (m_answered == m_answering.size()) {
        m_answering.clear();
        m_answered = 0;
        m_shared.reset();
    } else if (!m_answerQueued) {
        m_answerQueued = true;
        QTimer::singleShot(0, this, &ClusterPresence::answerQueued);
    }
}

PresenceAnswer ClusterPresence::answer(const TopicFilter &filter) const
{
    PresenceAnswer answer;
    answer.source = QStringLiteral("cluster");
    answer.entries = m_tracker->local(filter);
    qint64 filters = 0;
    for (const Record &record : m_records)
        filters += record.filters.size();
    m_tracker->questionBudget().spend(double(m_records.size() + filters));
    for (const Record &record : m_records) {
        qint64 joined = 0;
        for (const auto &[f, changed] : record.filters) {
            const bool meets
                = filter.hasWildcard() ? filtersIntersect(f, filter) : f.matches(filter.text());
            if (meets) {
                const qint64 at = std::max(record.since, changed);
                joined = joined ? std::min(joined, at) : at;
            }
        }
        if (joined)
            answer.entries.append({record.clientId, record.node, record.streams, joined});
    }
    answer.nodes = 1 + m_nodesRead;
    return answer;
}

} // namespace ssehub
