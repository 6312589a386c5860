#include "redis/sentinelwatch.h"

#include "core/logcategories.h"

namespace ssehub {

namespace {

// After a sentinel's connection is lost, the next one is tried after this long.
constexpr int NextSentinelMs = 500;

} // namespace

SentinelWatch::SentinelWatch(const RedisConnection::Options &options, QObject *parent)
    : QObject(parent)
    , m_options(options)
{
    m_next.setSingleShot(true);
    m_next.setInterval(NextSentinelMs);
    connect(&m_next, &QTimer::timeout, this, &SentinelWatch::watchNext);
}

void SentinelWatch::start()
{
    if (!m_options.sentinels.isEmpty() && !m_watch)
        watchNext();
}

QString SentinelWatch::watching() const
{
    return m_watch ? m_watch->address() : QString();
}

RedisConnection::Options SentinelWatch::sentinelOptions(int index) const
{
    RedisConnection::Options options;
    options.host = m_options.sentinels.at(index).first;
    options.port = m_options.sentinels.at(index).second;
    options.password = m_options.sentinelPassword;
    options.connectTimeoutMs = m_options.connectTimeoutMs;
    options.commandTimeoutMs = m_options.commandTimeoutMs;
    options.warnOnLoss = false;
    return options;
}

void SentinelWatch::watchNext()
{
    if (m_watch) {
        m_watch->disconnect(this);
        m_watch->deleteLater();
        m_watch = nullptr;
    }
    if (m_probe) {
        m_probe->deleteLater();
        m_probe = nullptr;
    }
    m_index = (m_index + 1) % int(m_options.sentinels.size());
    m_watch = new RedisConnection(sentinelOptions(m_index), this);
    connect(m_watch, &RedisConnection::disconnected, this, [this](const QString &error) {
        qCDebug(lcRedis).noquote() << "watching sentinel" << m_watch->address()
                                   << "failed:" << error << "- trying the next one";
        if (!m_next.isActive())
            m_next.start();
    });
    connect(m_watch, &RedisConnection::allSubscribed, this, &SentinelWatch::ask);
    m_watch->subscribe(QByteArrayLiteral("+switch-master"),
                       [this](const QByteArray &, const QByteArray &text) {
                           // "<name> <old ip> <old port> <new ip> <new port>"
                           const QList<QByteArray> parts = text.split(' ');
                           bool ok = false;
                           const quint16 port = parts.size() == 5 ? parts.at(4).toUShort(&ok) : 0;
                           if (!ok || port == 0 || parts.at(0) != m_options.sentinelMaster)
                               return;
                           ++m_switches;
                           const QString host = QString::fromUtf8(parts.at(3));
                           qCInfo(lcRedis).noquote()
                               << "sentinel" << m_watch->address() << "announced a new primary for"
                               << QString::fromUtf8(m_options.sentinelMaster) << "at"
                               << QStringLiteral("%1:%2").arg(host).arg(port) << "(it was"
                               << QStringLiteral("%1:%2)").arg(QString::fromUtf8(parts.at(1)),
                                                               QString::fromUtf8(parts.at(2)));
                           Q_EMIT primaryAt(host, port);
                       });
    m_watch->start();
}

void SentinelWatch::ask()
{
    // A connection of its own: the watching one can only subscribe.
    if (m_probe)
        m_probe->deleteLater();
    auto *probe = new RedisConnection(sentinelOptions(m_index), this);
    m_probe = probe;
    const auto done = [this, probe] {
        if (m_probe == probe)
            m_probe = nullptr;
        probe->deleteLater();
    };
    connect(probe, &RedisConnection::disconnected, this, done);
    connect(probe, &RedisConnection::ready, this, [this, probe, done] {
        probe->command({QByteArrayLiteral("SENTINEL"), QByteArrayLiteral("get-master-addr-by-name"),
                        m_options.sentinelMaster},
                       [this, probe, done](const RedisReply &reply) {
                           bool ok = false;
                           const quint16 port
                               = reply.type == RedisReply::Type::Array && reply.elements.size() == 2
                               ? reply.elements.at(1).string.toUShort(&ok)
                               : 0;
                           if (m_probe == probe && ok && port)
                               Q_EMIT primaryAt(QString::fromUtf8(reply.elements.at(0).string),
                                                port);
                           done();
                       });
    });
    probe->start();
}

} // namespace ssehub
