#include "redis/sentinelwatch.h"

#include "core/clock.h"
#include "core/logcategories.h"

namespace ssehub {

namespace {

// After a sentinel's connection is lost, the next one is tried after this long.
constexpr int NextSentinelMs = 500;

} // namespace

bool SentinelWatch::usableAddress(const QByteArray &host, const QByteArray &port, QString *hostOut,
                                  quint16 *portOut)
{
    bool ok = false;
    const uint number = port.toUInt(&ok);
    if (!ok || number < 1 || number > 65535 || host.isEmpty() || host.size() > 255)
        return false;
    for (const char c : host) {
        const bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
            || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == ':' || c == '_';
        if (!allowed)
            return false;
    }
    *hostOut = QString::fromLatin1(host);
    *portOut = quint16(number);
    return true;
}

SentinelWatch::SentinelWatch(const RedisConnection::Options &options, QObject *parent)
    : QObject(parent)
    , m_options(options)
{
    m_next.setSingleShot(true);
    m_next.setInterval(NextSentinelMs);
    connect(&m_next, &QTimer::timeout, this, &SentinelWatch::watchNext);
    m_probeTimer.setInterval(ProbeMs);
    connect(&m_probeTimer, &QTimer::timeout, this, &SentinelWatch::ask);
    m_switchTimer.setSingleShot(true);
    m_switchTimer.setInterval(SwitchEveryMs);
    connect(&m_switchTimer, &QTimer::timeout, this, [this] {
        if (std::exchange(m_switchPending, false)) {
            Q_EMIT primaryAt(m_lastHost, m_lastPort);
            m_switchTimer.start();
        }
    });
}

void SentinelWatch::start()
{
    if (!m_options.sentinels.isEmpty() && !m_watch) {
        watchNext();
        m_probeTimer.start();
    }
}

bool SentinelWatch::isWatching() const
{
    return m_watch && m_watch->subscriptionsConfirmed() && m_answered;
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
    options.connectTimeoutMs = qMin(m_options.connectTimeoutMs, AnswerMs);
    options.commandTimeoutMs = qMin(m_options.commandTimeoutMs, AnswerMs);
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
    m_answered = false;
    m_index = (m_index + 1) % int(m_options.sentinels.size());
    m_watch = new RedisConnection(sentinelOptions(m_index), this);
    connect(m_watch, &RedisConnection::disconnected, this, [this](const QString &error) {
        qCDebug(lcRedis).noquote() << "watching sentinel" << m_watch->address()
                                   << "failed:" << error << "- trying the next one";
        if (!m_next.isActive())
            m_next.start();
    });
    connect(m_watch, &RedisConnection::allSubscribed, this, &SentinelWatch::ask);
    m_watch->subscribe(
        QByteArrayLiteral("+switch-master"), [this](const QByteArray &, const QByteArray &text) {
            // "<name> <old ip> <old port> <new ip> <new port>"
            const QList<QByteArray> parts = text.left(1024).split(' ');
            if (parts.size() != 5 || parts.at(0) != m_options.sentinelMaster)
                return;
            QString host;
            quint16 port = 0;
            if (!usableAddress(parts.at(3), parts.at(4), &host, &port)) {
                const qint64 now = Clock::monotonicMs();
                if (now - m_lastBadWarningMs > 10000) {
                    m_lastBadWarningMs = now;
                    qCWarning(lcRedis).noquote()
                        << "sentinel" << m_watch->address()
                        << "announced an unusable address for the primary (ignored):"
                        << QString::fromUtf8(text.left(120).toPercentEncoding(" :."));
                }
                return;
            }
            announce(host, port);
        });
    m_watch->start();
}

void SentinelWatch::announce(const QString &host, quint16 port)
{
    if (host == m_lastHost && port == m_lastPort)
        return; // nothing new
    const QString was = m_lastHost.isEmpty()
        ? QStringLiteral("unknown")
        : QStringLiteral("%1:%2").arg(m_lastHost).arg(m_lastPort);
    m_lastHost = host;
    m_lastPort = port;
    ++m_switches;
    qCInfo(lcRedis).noquote() << "the sentinels name a new primary for"
                              << QString::fromUtf8(m_options.sentinelMaster) << "at"
                              << QStringLiteral("%1:%2").arg(host).arg(port) << "(it was"
                              << was + QLatin1Char(')');
    // At most one move a second, to the newest address: a sentinel that floods announcements
    // cannot make the connections flap faster.
    if (m_switchTimer.isActive()) {
        m_switchPending = true;
        return;
    }
    Q_EMIT primaryAt(host, port);
    m_switchTimer.start();
}

void SentinelWatch::ask()
{
    if (!m_watch)
        return;
    if (m_probe) {
        // The last question is still unanswered after ProbeMs: the sentinel is stuck.
        qCDebug(lcRedis).noquote()
            << "sentinel" << m_watch->address() << "did not answer; watching the next one";
        watchNext();
        return;
    }
    // A connection of its own: the watching one can only subscribe.
    auto probe = std::make_shared<RedisConnection *>(nullptr);
    *probe = RedisConnection::askOneSentinel(
        m_options, m_index, this,
        [this, probe](const QString &host, quint16 port, const QString &) {
            if (m_probe != *probe)
                return;
            m_probe = nullptr;
            (*probe)->deleteLater();
            m_answered = !host.isEmpty();
            if (!m_answered) {
                if (!m_next.isActive())
                    m_next.start(); // this sentinel cannot be asked: watch the next one
                return;
            }
            if (m_lastHost.isEmpty()) { // the first answer: nothing moved
                m_lastHost = host;
                m_lastPort = port;
                Q_EMIT primaryAt(host, port);
            } else {
                announce(host, port);
            }
        });
    m_probe = *probe;
}

} // namespace ssehub
