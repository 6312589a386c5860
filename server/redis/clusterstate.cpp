#include "redis/clusterstate.h"

#include "core/clock.h"
#include "core/logcategories.h"
#include "hub/hub.h"
#include "proto/event.h"
#include "redis/redishome.h"

#include <QDateTime>
#include <QJsonDocument>

#include <algorithm>

namespace ssehub {

namespace {

// KEYS: subscriptions hash, cursor. ARGV: control channel, control message, cursor ('' for
// none), expiry of the hash in ms since the epoch ('0' for none), expiry of the cursor, then
// field/value pairs. The state is replaced whole and announced in one step.
const QByteArray WriteScript = QByteArrayLiteral(R"lua(
redis.call('DEL', KEYS[1])
if #ARGV > 5 then redis.call('HSET', KEYS[1], unpack(ARGV, 6)) end
if ARGV[4] ~= '0' and #ARGV > 5 then redis.call('PEXPIREAT', KEYS[1], ARGV[4]) end
if ARGV[3] ~= '' then redis.call('SET', KEYS[2], ARGV[3], 'PXAT', ARGV[5]) else redis.call('DEL', KEYS[2]) end
redis.call('PUBLISH', ARGV[1], ARGV[2])
return 1
)lua");

// The same, for writing back after Redis lost its data: only if neither key exists (every
// instance writes back what it holds; the first one's write stands, the others change nothing
// and announce nothing).
const QByteArray RestoreScript = QByteArrayLiteral(R"lua(
if redis.call('EXISTS', KEYS[1]) == 1 or redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
)lua")
    + WriteScript;

QByteArray compact(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

} // namespace

ClusterState::ClusterState(const Options &options, RedisHome *home, Hub *hub, QObject *parent)
    : QObject(parent)
    , m_options(options)
    , m_home(home)
    , m_hub(hub)
    , m_prefix(home->prefix())
    , m_controlChannel(m_prefix + "control")
    , m_nodesKey(m_prefix + "nodes")
{
    m_hub->setClientChangedHook(
        [this](const Client &client, bool replay) { writeClient(client.id, replay); });
    m_hub->setSharedStateLoaded(false); // until the first load from Redis
    m_hub->setSharedStore(
        [this] { return unavailable(); },
        [this](const QString &clientId, std::function<void(const QString &)> done) {
            waitStored(clientId, std::move(done));
        });
    m_home->subscriber()->subscribe(
        m_controlChannel,
        [this](const QByteArray &, const QByteArray &message) { onControl(message); });
    connect(m_home->commands(), &RedisConnection::ready, this, &ClusterState::onReady);
    connect(m_home->commands(), &RedisConnection::disconnected, this, [this] {
        m_loaded = false;
        m_loading = false;
    });
    connect(m_home, &RedisHome::historyLost, this, [this] { m_historyLost = true; });
    connect(m_home, &RedisHome::dataLost, this, &ClusterState::restore);
    m_refresh.setInterval(qMax(50, m_options.refreshMs));
    connect(&m_refresh, &QTimer::timeout, this, &ClusterState::refreshNode);
    m_refresh.start();
}

QByteArray ClusterState::subscriptionsKey(const QString &clientId) const
{
    return m_prefix + "client:subscriptions:" + clientId.toUtf8();
}

QByteArray ClusterState::cursorKey(const QString &clientId) const
{
    return m_prefix + "client:cursor:" + clientId.toUtf8();
}

// --- Shared subscriptions -------------------------------------------------------------------

void ClusterState::onReady()
{
    // Changes made while Redis was away go first; then everything is read again (control
    // announcements made meanwhile were missed).
    flushDirty();
    if (m_loading)
        return;
    m_loading = true;
    m_loaded = false;
    // First the marker key: if Redis lost its data while this instance was away (a restart
    // without persistence), the clients it lacks must be written back, not taken as removed
    // elsewhere - and the broker's tick, which says so too, may come only after the load.
    const QByteArray known = m_home->knownEpoch();
    const bool sent = m_home->commands()->command(
        {"GET", m_home->epochKey()}, [this, known](const RedisReply &r) {
            if (r.isError()) {
                m_loading = false; // lost: the next ready() starts again
                return;
            }
            if (!known.isEmpty() && (r.type != RedisReply::Type::String || r.string != known))
                m_historyLost = true;
            scanPage(QByteArrayLiteral("0"), std::make_shared<QSet<QString>>());
        });
    if (!sent)
        m_loading = false; // lost again: the next ready starts over
    refreshNode();
}

void ClusterState::restore()
{
    // Redis lost its data while connected (FLUSHALL) or before this reconnection: what this
    // instance holds is written back (a load under way keeps them too, see finishLoad).
    if (m_loading)
        m_historyLost = true;
    for (const QString &id : std::as_const(m_known)) {
        if (!m_hub->client(id) || m_dirty.contains(id))
            continue; // a change of its own is written anyway
        m_dirty.insert(id);
        m_restoreOnly.insert(id);
    }
    if (m_home->isReady())
        flushDirty();
    refreshNode();
}

void ClusterState::writeClient(const QString &clientId, bool replay)
{
    m_known.insert(clientId);
    m_dirty.insert(clientId);
    m_restoreOnly.remove(clientId); // a change: written whatever Redis holds
    if (replay)
        m_replay.insert(clientId);
    if (m_home->isReady())
        flushDirty();
}

void ClusterState::flushDirty()
{
    const QSet<QString> dirty = std::exchange(m_dirty, {});
    const QSet<QString> replay = std::exchange(m_replay, {});
    for (const QString &id : dirty) {
        const Client *client = m_hub->client(id);
        QJsonObject announcement {{QStringLiteral("client"), id},
                                  {QStringLiteral("node"), m_options.nodeId}};
        if (replay.contains(id))
            announcement.insert(QStringLiteral("replay"), true);
        const bool restoreOnly = m_restoreOnly.remove(id);
        QList<QByteArray> args {QByteArrayLiteral("EVAL"),
                                restoreOnly ? RestoreScript : WriteScript,
                                QByteArrayLiteral("2"),
                                subscriptionsKey(id),
                                cursorKey(id),
                                m_controlChannel,
                                compact(announcement)};
        qint64 hashExpiry = 0;
        bool everyOneExpires = client && !client->subscriptions.isEmpty();
        QList<QByteArray> fields;
        if (client) {
            for (const Subscription &s : client->subscriptions) {
                fields << s.filter.text() << compact(s.toJson());
                if (s.expiresAt)
                    hashExpiry = qMax(hashExpiry, s.expiresAt + m_options.deleteAfterMs);
                else
                    everyOneExpires = false;
            }
        }
        args << (client && client->hasAck ? formatEventId(client->ackedId) : QByteArray())
             << QByteArray::number(everyOneExpires ? hashExpiry : 0)
             << QByteArray::number(Clock::wallMs() + m_options.deleteAfterMs) << fields;
        const quint64 seq = ++m_writeSeq;
        const bool sent
            = m_home->commands()->command(args, [this, id, seq, restoreOnly](const RedisReply &r) {
                  if (m_inFlight.value(id) == seq)
                      m_inFlight.remove(id);
                  QList<std::function<void(const QString &)>> done;
                  if (auto it = m_storeWaiters.find(id); it != m_storeWaiters.end()) {
                      for (auto w = it->begin(); w != it->end();) {
                          if (w->first <= seq) {
                              done.append(std::move(w->second));
                              w = it->erase(w);
                          } else {
                              ++w;
                          }
                      }
                      if (it->isEmpty())
                          m_storeWaiters.erase(it);
                  }
                  QString error;
                  if (r.isError()) {
                      error = QStringLiteral(
                                  "Redis at %1 did not confirm the change (%2); it was not "
                                  "made, retry later")
                                  .arg(m_home->address(), QString::fromUtf8(r.string));
                      if (done.isEmpty()) {
                          qCWarning(lcRedis).noquote()
                              << "could not store the subscriptions of client" << id
                              << "in Redis:" << r.string
                              << "- kept in memory and written again when Redis is back";
                          if (!m_dirty.contains(id) && restoreOnly)
                              m_restoreOnly.insert(id);
                          m_dirty.insert(id);
                      } else {
                          // A request was refused: Redis holds the truth, memory follows it (at
                          // once, or with the full reload when Redis is back).
                          qCWarning(lcRedis).noquote()
                              << "could not store the subscriptions of client" << id
                              << "in Redis:" << r.string
                              << "- the request was answered 503 and the client is read back from "
                                 "Redis";
                          if (m_home->isReady())
                              reloadClient(id, false);
                      }
                  }
                  for (const auto &fn : std::as_const(done))
                      fn(error);
              });
        if (sent) {
            m_inFlight.insert(id, seq);
        } else {
            if (restoreOnly)
                m_restoreOnly.insert(id);
            m_dirty.insert(id);
        }
    }
}

QString ClusterState::unavailable() const
{
    if (m_home->isReady())
        return {};
    const QString why = m_home->commands()->lastError();
    return QStringLiteral("Redis at %1 is unavailable (%2); nothing was changed, retry later")
        .arg(m_home->address(), why.isEmpty() ? QStringLiteral("connecting") : why);
}

void ClusterState::waitStored(const QString &clientId, std::function<void(const QString &)> done)
{
    if (m_dirty.contains(clientId)) {
        // Not sent (Redis went away): refused, and not written later either; the reload on the
        // reconnection puts back what Redis holds.
        m_dirty.remove(clientId);
        m_replay.remove(clientId);
        done(unavailable().isEmpty()
                 ? QStringLiteral("Redis at %1 could not take the change; it was not made, retry "
                                  "later")
                       .arg(m_home->address())
                 : unavailable());
        return;
    }
    const auto it = m_inFlight.constFind(clientId);
    if (it == m_inFlight.cend()) {
        done({}); // nothing of this client waits for Redis
        return;
    }
    m_storeWaiters[clientId].append({*it, std::move(done)});
}

void ClusterState::reloadClient(const QString &clientId, bool replay, std::function<void()> then)
{
    auto subscriptions = std::make_shared<QMap<QByteArray, Subscription>>();
    auto ok = std::make_shared<bool>(true);
    RedisConnection *redis = m_home->commands();
    const bool sent = redis->command(
        {"HGETALL", subscriptionsKey(clientId)},
        [subscriptions, ok, clientId](const RedisReply &r) {
            if (r.isError() || r.type != RedisReply::Type::Array) {
                *ok = false;
                return;
            }
            for (qsizetype i = 0; i + 1 < r.elements.size(); i += 2) {
                Subscription s;
                const QJsonObject o = QJsonDocument::fromJson(r.elements.at(i + 1).string).object();
                if (Subscription::fromJson(o, &s) && s.filter.text() == r.elements.at(i).string)
                    subscriptions->insert(s.filter.text(), s);
                else
                    qCWarning(lcRedis).noquote()
                        << "ignored a damaged subscription" << r.elements.at(i).string
                        << "of client" << clientId
                        << "in Redis - the client must subscribe to it again; check what else "
                           "writes to this key prefix";
            }
        });
    if (!sent)
        return;
    redis->command({"GET", cursorKey(clientId)},
                   [this, subscriptions, ok, clientId, replay, then](const RedisReply &r) {
                       if (*ok && !r.isError()) {
                           quint64 acked = 0;
                           const bool hasAck = r.type == RedisReply::Type::String
                               && parseEventId(r.string, &acked);
                           // A change of ours still waiting to be written wins over what Redis has.
                           if (!m_dirty.contains(clientId)) {
                               m_known.insert(clientId);
                               m_hub->applyShared(clientId, *subscriptions, hasAck, acked, replay);
                           }
                       }
                       if (then)
                           then();
                   });
}

void ClusterState::scanPage(const QByteArray &cursor, std::shared_ptr<QSet<QString>> found)
{
    const QByteArray pattern = m_prefix + "client:*";
    const bool sent = m_home->commands()->command(
        {"SCAN", cursor, "MATCH", pattern, "COUNT", "1000"}, [this, found](const RedisReply &r) {
            if (r.isError() || r.type != RedisReply::Type::Array || r.elements.size() != 2) {
                m_loading = false; // lost: the next ready() starts again
                return;
            }
            const QByteArray subscriptions = m_prefix + "client:subscriptions:";
            const QByteArray cursors = m_prefix + "client:cursor:";
            for (const RedisReply &key : r.elements.at(1).elements) {
                if (key.string.startsWith(subscriptions))
                    found->insert(QString::fromUtf8(key.string.mid(subscriptions.size())));
                else if (key.string.startsWith(cursors))
                    found->insert(QString::fromUtf8(key.string.mid(cursors.size())));
            }
            const QByteArray next = r.elements.at(0).string;
            if (next == "0")
                finishLoad(found);
            else
                scanPage(next, found);
        });
    if (!sent)
        m_loading = false;
}

void ClusterState::finishLoad(std::shared_ptr<QSet<QString>> found)
{
    // Clients this instance knows that Redis does not: if Redis lost its data, they are written
    // back from memory; otherwise another instance removed them meanwhile.
    for (const QString &id : std::as_const(m_known)) {
        if (found->contains(id))
            continue;
        if (m_historyLost)
            writeClient(id);
        else if (m_hub->client(id))
            m_hub->applyShared(id, {}, false, 0);
    }
    m_historyLost = false;
    auto remaining = std::make_shared<int>(int(found->size()) + 1);
    auto done = [this, remaining] {
        if (--*remaining == 0) {
            m_loading = false;
            m_loaded = true;
            m_hub->setSharedStateLoaded(true);
        }
    };
    for (const QString &id : std::as_const(*found))
        reloadClient(id, false, done);
    done();
}

void ClusterState::onControl(const QByteArray &message)
{
    const QJsonObject o = QJsonDocument::fromJson(message).object();
    const QString clientId = o.value(QLatin1String("client")).toString();
    if (clientId.isEmpty() || o.value(QLatin1String("node")).toString() == m_options.nodeId)
        return;
    if (m_home->isReady())
        reloadClient(clientId, o.value(QLatin1String("replay")).toBool());
}

// --- Node registry ---------------------------------------------------------------------------

void ClusterState::refreshNode()
{
    if (!m_home->isReady())
        return;
    const qint64 now = Clock::wallMs();
    QJsonObject self = m_figures ? m_figures() : QJsonObject();
    // Throughput since the previous refresh, from the running totals.
    const double in = self.value(QLatin1String("events_published")).toDouble();
    const double out = self.value(QLatin1String("events_delivered")).toDouble();
    if (m_lastRefreshMs && now > m_lastRefreshMs) {
        const double seconds = double(now - m_lastRefreshMs) / 1000.0;
        self.insert(QStringLiteral("events_in_per_s"), qRound((in - m_lastIn) / seconds));
        self.insert(QStringLiteral("events_out_per_s"), qRound((out - m_lastOut) / seconds));
    }
    m_lastRefreshMs = now;
    m_lastIn = in;
    m_lastOut = out;
    self.insert(QStringLiteral("id"), m_options.nodeId);
    self.insert(QStringLiteral("address"), m_options.address);
    self.insert(QStringLiteral("admin_url"), m_options.adminUrl);
    self.insert(QStringLiteral("started_at"), m_options.startedAt);
    self.insert(QStringLiteral("updated_at"), now);
    self.insert(QStringLiteral("expires_at"), now + m_options.ttlMs);
    RedisConnection *redis = m_home->commands();
    redis->command({"HSET", m_nodesKey, m_options.nodeId.toUtf8(), compact(self)},
                   [](const RedisReply &) {});
    redis->command({"PEXPIRE", m_nodesKey, QByteArray::number(m_options.ttlMs * 3)},
                   [](const RedisReply &) {});
    redis->command({"HGETALL", m_nodesKey}, [this](const RedisReply &r) {
        if (r.isError())
            return;
        const qint64 now = Clock::wallMs();
        QList<QJsonObject> nodes;
        QList<QByteArray> stale;
        for (qsizetype i = 0; i + 1 < r.elements.size(); i += 2) {
            const QJsonObject o = QJsonDocument::fromJson(r.elements.at(i + 1).string).object();
            if (o.value(QLatin1String("expires_at")).toDouble() < double(now))
                stale << r.elements.at(i).string;
            else
                nodes << o;
        }
        if (!stale.isEmpty()) {
            QList<QByteArray> args {"HDEL", m_nodesKey};
            m_home->commands()->command(args + stale, [](const RedisReply &) {});
        }
        std::sort(nodes.begin(), nodes.end(), [](const QJsonObject &a, const QJsonObject &b) {
            return a.value(QLatin1String("id")).toString()
                < b.value(QLatin1String("id")).toString();
        });
        QJsonArray list;
        for (const QJsonObject &o : std::as_const(nodes))
            list.append(o);
        m_nodes = list;
    });
}

} // namespace ssehub
