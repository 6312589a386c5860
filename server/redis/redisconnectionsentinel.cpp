// Redis Sentinel for RedisConnection: where the primary is, and whether a server still is it.
#include "core/logcategories.h"
#include "redis/redisconnection.h"
#include "redis/sentinelwatch.h"

namespace ssehub {

std::optional<QPair<QString, quint16>> RedisConnection::hostPort(const QByteArray &text)
{
    const qsizetype colon = text.lastIndexOf(':');
    bool ok = false;
    const uint port = colon > 0 ? text.mid(colon + 1).toUInt(&ok) : 0;
    if (!ok || port < 1 || port > 65535)
        return std::nullopt;
    QString host = QString::fromUtf8(text.left(colon));
    if (host.startsWith(QLatin1Char('[')) && host.endsWith(QLatin1Char(']')))
        host = host.mid(1, host.size() - 2);
    return qMakePair(host, quint16(port));
}

bool RedisConnection::useSentinels(const QList<QByteArray> &sentinels, const QByteArray &master,
                                   Options *out, QString *error)
{
    if (sentinels.isEmpty())
        return true;
    if (master.isEmpty()) {
        *error = QStringLiteral("--redis-sentinel needs --redis-master NAME (the name the "
                                "sentinels monitor the primary by)");
        return false;
    }
    out->sentinels.clear();
    for (const QByteArray &text : sentinels) {
        const auto address = hostPort(text);
        if (!address) {
            *error = QStringLiteral("--redis-sentinel takes HOST:PORT, not '%1'")
                         .arg(QString::fromUtf8(text.left(300)));
            return false;
        }
        out->sentinels.append(*address);
    }
    out->sentinelMaster = master;
    out->sentinelPassword.clear(); // --redis-sentinel-password-file sets it
    return true;
}

void RedisConnection::askSentinel(int index, const QString &errors)
{
    if (m_destroying)
        return;
    const QString master = QString::fromUtf8(m_options.sentinelMaster);
    if (index >= m_options.sentinels.size()) {
        lost(QStringLiteral("no sentinel told where the primary '%1' is (%2)").arg(master, errors));
        return;
    }
    // The sentinel that answered last is asked first; a sentinel answers at once or not at all.
    const int which = (m_sentinelFirst + index) % int(m_options.sentinels.size());
    const auto &[host, port] = m_options.sentinels.at(which);
    Options asked;
    asked.host = host;
    asked.port = port;
    asked.password = m_options.sentinelPassword;
    asked.connectTimeoutMs = qMin(m_options.connectTimeoutMs, 1000);
    asked.commandTimeoutMs = qMin(m_options.commandTimeoutMs, 1000);
    asked.warnOnLoss = false; // what went wrong is in the answer's error
    auto *probe = new RedisConnection(asked, this);
    m_sentinelProbe = probe;
    // One answer per question: the first of a reply and a lost connection ends it.
    const auto next = [this, probe, index, errors](const QString &why) {
        if (m_sentinelProbe != probe)
            return;
        m_sentinelProbe = nullptr;
        probe->deleteLater();
        const QString where = probe->address();
        askSentinel(index + 1,
                    (errors.isEmpty() ? QString() : errors + QStringLiteral("; ")) + where
                        + QStringLiteral(": ") + why);
    };
    connect(probe, &RedisConnection::disconnected, this, next);
    connect(probe, &RedisConnection::ready, this, [this, probe, master, next, which] {
        probe->command(
            {QByteArrayLiteral("SENTINEL"), QByteArrayLiteral("get-master-addr-by-name"),
             m_options.sentinelMaster},
            [this, probe, master, next, which](const RedisReply &reply) {
                if (m_sentinelProbe != probe)
                    return;
                QString host;
                quint16 port = 0;
                const bool named
                    = reply.type == RedisReply::Type::Array && reply.elements.size() == 2;
                if (!named
                    || !SentinelWatch::usableAddress(reply.elements.at(0).string,
                                                     reply.elements.at(1).string, &host, &port)) {
                    next(reply.isError() ? QString::fromUtf8(reply.string.left(200))
                             : named     ? QStringLiteral("it named an unusable address")
                                         : QStringLiteral("it does not know '%1'").arg(master));
                    return;
                }
                m_sentinelProbe = nullptr;
                probe->deleteLater();
                m_sentinelFirst = which;
                m_options.host = host;
                m_options.port = port;
                m_resolved = true;
                qCDebug(lcRedis).noquote() << "sentinel" << probe->address() << "says the primary"
                                           << master << "is at" << address();
                connectNow();
            });
    });
    probe->start();
}

void RedisConnection::checkRole()
{
    send({QByteArrayLiteral("ROLE")}, [this](const RedisReply &reply) {
        if (m_state != State::Connecting)
            return;
        const QByteArray role = reply.type == RedisReply::Type::Array && !reply.elements.isEmpty()
            ? reply.elements.at(0).string
            : reply.string.left(200);
        if (role == "master")
            becomeReady();
        else
            forceDisconnect(QStringLiteral("%1 is not the primary (ROLE: %2); asking the "
                                           "sentinels again")
                                .arg(address(), QString::fromUtf8(role)));
    });
}

void RedisConnection::reconnectNow(const QString &reason)
{
    if (m_context) {
        m_moving = true;
        forceDisconnect(reason); // lost() schedules the next connection, which asks again
        return;
    }
    m_resolved = false;
}

} // namespace ssehub
