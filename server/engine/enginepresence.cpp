// Presence (who listens, on this instance or the cluster), its join and leave events, and the
// hub's figures on $SYS/hub/nodes/<node>.
#include "core/clock.h"
#include "engine/engine.h"
#include "http/httpfront.h"
#include "hub/presencetracker.h"
#include "proto/event.h"
#include "redis/clusterpresence.h"
#include "redis/clusterstate.h"
#include "redis/redisbroker.h"
#include "redis/redishome.h"

#include <QJsonDocument>

namespace ssehub {

void Engine::startPresence()
{
    m_presence = new PresenceTracker(m_hub, m_broker, this);
    QList<TopicFilter> filters;
    for (const QByteArray &text : std::as_const(m_config.presenceEvents)) {
        const TopicFilter filter = TopicFilter::parse(text);
        if (filter.isValid())
            filters << filter;
    }
    m_presence->setEventFilters(filters);
    m_presence->setEventRate(double(m_config.presenceEventsRate));
    m_presence->questionBudget().setRate(double(m_config.presenceBudget));
    if (redisHome() && m_cluster) {
        ClusterPresence::Options options;
        options.nodeId = m_hub->nodeId();
        options.refreshMs = m_config.nodeRefreshMs;
        options.ttlMs = m_config.nodeTtlMs;
        m_clusterPresence
            = new ClusterPresence(options, redisHome(), m_cluster, m_hub, m_presence, this);
    } else if (!filters.isEmpty()) {
        m_presence->watch(); // embedded: only the events need the hub's word
    }
    m_front->setPresenceSource(
        [this](const TopicFilter &filter, std::function<void(PresenceAnswer)> done) {
            presenceOf(filter, std::move(done));
        });
    if (m_config.sysIntervalMs > 0) {
        m_sysTimer.setInterval(m_config.sysIntervalMs);
        connect(&m_sysTimer, &QTimer::timeout, this, &Engine::publishSystemFigures,
                Qt::UniqueConnection);
        m_sysTimer.start();
    }
}

void Engine::presenceOf(const TopicFilter &filter, std::function<void(PresenceAnswer)> done,
                        bool bounded)
{
    if (m_clusterPresence) {
        m_clusterPresence->query(filter, std::move(done), bounded);
        return;
    }
    if (bounded && !m_presence->questionBudget().take()) {
        done(m_presence->overBudget());
        return;
    }
    PresenceAnswer answer;
    answer.source = QStringLiteral("embedded");
    answer.nodes = 1;
    answer.entries = m_presence->local(filter);
    done(answer);
}

void Engine::presence(const PresenceQuery &query, std::function<void(PresenceAnswer)> done)
{
    const TopicFilter filter = TopicFilter::parse(query.filter);
    if (!filter.isValid()) {
        PresenceAnswer answer;
        answer.error = QStringLiteral("'%1' is not a topic or filter")
                           .arg(QString::fromUtf8(query.filter.left(300)));
        done(answer);
        return;
    }
    // The console's question: paid from the budget, never refused for it.
    presenceOf(
        filter,
        [query, done = std::move(done)](PresenceAnswer answer) {
            if (answer.error.isEmpty())
                finishPresence(&answer, query);
            done(answer);
        },
        false);
}

void Engine::publishSystemFigures()
{
    if (!m_hub || !m_hub->streamCount())
        return; // nobody could be listening
    const qint64 now = Clock::wallMs();
    QJsonObject self = selfJson();
    const HubCounters &c = m_hub->counters();
    self.insert(QStringLiteral("streams"), m_hub->streamCount());
    self.insert(QStringLiteral("slow_consumer_closes"), double(c.slowConsumerCloses));
    self.insert(QStringLiteral("dead_closes"), double(c.deadCloses));
    // This instance's rates over the interval, from its running totals.
    const double in = self.value(QLatin1String("events_published")).toDouble();
    const double out = self.value(QLatin1String("events_delivered")).toDouble();
    if (m_sysLastMs && now > m_sysLastMs) {
        const double seconds = double(now - m_sysLastMs) / 1000.0;
        self.insert(QStringLiteral("events_in_per_s"), qRound((in - m_sysLastIn) / seconds));
        self.insert(QStringLiteral("events_out_per_s"), qRound((out - m_sysLastOut) / seconds));
    }
    m_sysLastMs = now;
    m_sysLastIn = in;
    m_sysLastOut = out;
    QList<QJsonObject> nodes {self};
    if (m_cluster) {
        // The other instances as the registry has them (refreshed every few seconds).
        const QJsonArray registry = m_cluster->nodes();
        for (const QJsonValue &node : registry) {
            if (node.toObject().value(QLatin1String("id")).toString() != m_hub->nodeId())
                nodes << node.toObject();
        }
    }
    for (QJsonObject node : std::as_const(nodes)) {
        QByteArray level = node.value(QLatin1String("id")).toString().toUtf8();
        // A node id is one topic level here.
        for (char &ch : level) {
            if (ch == '/' || ch == '+' || ch == '#')
                ch = '_';
        }
        const QByteArray topic = "$SYS/hub/nodes/" + level;
        if (!validateTopic(topic).isEmpty())
            continue;
        // Figures only: addresses and the broker's state (its Redis address, its errors)
        // stay in the admin routes (/nodes, /stats).
        static const QStringList Public {QStringLiteral("id"),
                                         QStringLiteral("started_at"),
                                         QStringLiteral("connections"),
                                         QStringLiteral("streams"),
                                         QStringLiteral("clients"),
                                         QStringLiteral("events_published"),
                                         QStringLiteral("events_delivered"),
                                         QStringLiteral("events_in_per_s"),
                                         QStringLiteral("events_out_per_s"),
                                         QStringLiteral("slow_consumer_closes"),
                                         QStringLiteral("dead_closes")};
        const QStringList keys = node.keys();
        for (const QString &key : keys) {
            if (!Public.contains(key))
                node.remove(key);
        }
        node.insert(QStringLiteral("at"), double(now));
        const EventPtr event = makeEvent(0, topic, QByteArrayLiteral("figures"),
                                         QJsonDocument(node).toJson(QJsonDocument::Compact), now);
        m_hub->deliverVolatile(event);
    }
}

} // namespace ssehub
