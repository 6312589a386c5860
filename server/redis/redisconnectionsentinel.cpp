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

RedisConnection *RedisConnection::askOneSentinel(const Options &options, int index, QObject *parent,
                                                 SentinelAnswer done)
{
    Options asked;
    asked.host = options.sentinels.at(index).first;
    asked.port = options.sentinels.at(index).second;
    asked.password = options.sentinelPassword;
    // A sentinel answers at once or not at all.
    asked.connectTimeoutMs = qMin(options.connectTimeoutMs, 1000);
    asked.commandTimeoutMs = qMin(options.commandTimeoutMs, 1000);
    asked.warnOnLoss = false; // what went wrong is in the answer's error
    auto *probe = new RedisConnection(asked, parent);
    // One answer per question: the first of a reply and a lost connection ends it.
    auto answered = std::make_shared<bool>(false);
    const auto answer = [done, answered](const QString &host, quint16 port, const QString &why) {
        if (!std::exchange(*answered, true))
            done(host, port, why);
    };
    // Queued: a connection that fails at once does so inside start(), before the caller has
    // the probe.
    connect(
        probe, &RedisConnection::disconnected, parent,
        [answer](const QString &error) { answer({}, 0, error); }, Qt::QueuedConnection);
    const QByteArray master = options.sentinelMaster;
    connect(probe, &RedisConnection::ready, parent, [probe, master, answer] {
        probe->command(
            {QByteArrayLiteral("SENTINEL"), QByteArrayLiteral("get-master-addr-by-name"), master},
            [master, answer](const RedisReply &reply) {
                QString host;
                quint16 port = 0;
                const bool named
                    = reply.type == RedisReply::Type::Array && reply.elements.size() == 2;
                if (named
                    && SentinelWatch::usableAddress(reply.elements.at(0).string,
                                                    reply.elements.at(1).string, &host, &port))
                    answer(host, port, {});
                else
                    answer({}, 0,
                           reply.isError() ? QString::fromUtf8(reply.string.left(200))
                               : named     ? QStringLiteral("it named an unusable address")
                                           : QStringLiteral("it does not know '%1'")
                                             .arg(QString::fromUtf8(master)));
            });
    });
    probe->start();
    return probe;
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
    // The sentinel that answered last is asked first.
    const int which = (m_sentinelFirst + index) % int(m_options.sentinels.size());
    auto probe = std::make_shared<RedisConnection *>(nullptr);
    *probe = askOneSentinel(
        m_options, which, this,
        [this, probe, index, which, errors, master](const QString &host, quint16 port,
                                                    const QString &why) {
            if (m_sentinelProbe != *probe)
                return;
            m_sentinelProbe = nullptr;
            (*probe)->deleteLater();
            const QString where = (*probe)->address();
            if (host.isEmpty()) {
                askSentinel(index + 1,
                            (errors.isEmpty() ? QString() : errors + QStringLiteral("; ")) + where
                                + QStringLiteral(": ") + why);
                return;
            }
            m_sentinelFirst = which;
            m_options.host = host;
            m_options.port = port;
            m_resolved = true;
            qCDebug(lcRedis).noquote()
                << "sentinel" << where << "says the primary" << master << "is at" << address();
            connectNow();
        });
    m_sentinelProbe = *probe;
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

void RedisConnection::moveTo(const QString &host, quint16 port, const QString &reason)
{
    m_options.host = host;
    m_options.port = port;
    if (m_context) {
        m_moving = true;
        forceDisconnect(reason); // lost() schedules the connection to the new address
    }
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
