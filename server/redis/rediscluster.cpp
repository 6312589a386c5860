#include "redis/rediscluster.h"

#include "core/logcategories.h"

namespace ssehub {

namespace {

// CRC16-CCITT (XMODEM: polynomial 0x1021, initial value 0), as Redis Cluster hashes keys.
quint16 crc16(QByteArrayView data)
{
    quint16 crc = 0;
    for (const char c : data) {
        crc ^= quint16(quint8(c)) << 8;
        for (int bit = 0; bit < 8; ++bit)
            crc = (crc & 0x8000) ? quint16((crc << 1) ^ 0x1021) : quint16(crc << 1);
    }
    return crc;
}

// "MOVED 3999 127.0.0.1:6381" / "ASK 3999 127.0.0.1:6381": the address, or "".
QString redirectTarget(const QByteArray &error, const char *kind)
{
    const QList<QByteArray> parts = error.split(' ');
    if (parts.size() != 3 || parts.at(0) != kind)
        return {};
    const QByteArray &address = parts.at(2);
    const qsizetype colon = address.lastIndexOf(':');
    bool ok = false;
    const uint port = colon > 0 ? address.mid(colon + 1).toUInt(&ok) : 0;
    if (!ok || port == 0 || port > 65535 || address.size() > 300)
        return {};
    return QString::fromUtf8(address);
}

} // namespace

int redisKeySlot(QByteArrayView key)
{
    const qsizetype open = key.indexOf('{');
    if (open >= 0) {
        const qsizetype close = key.sliced(open + 1).indexOf('}');
        if (close > 0) // a non-empty tag: only it is hashed
            key = key.sliced(open + 1, close);
    }
    return crc16(key) & (RedisCluster::SlotCount - 1);
}

struct RedisCluster::Request
{
    int slot = 0;
    QList<QByteArray> argv;
    RedisConnection::Callback callback;
    QString askAddress; // the next try goes there, after ASKING
    int redirects = 0;
    int retries = 0;
    QString lastError;
};

bool RedisCluster::parseSeeds(const QList<QByteArray> &texts, Options *out, QString *error)
{
    out->seeds.clear();
    for (const QByteArray &text : texts) {
        const auto address = RedisConnection::hostPort(text);
        if (!address) {
            *error = QStringLiteral("--redis-cluster takes HOST:PORT, not '%1'")
                         .arg(QString::fromUtf8(text.left(300)));
            return false;
        }
        out->seeds.append(*address);
    }
    return true;
}

RedisCluster::RedisCluster(const Options &options, QObject *parent)
    : QObject(parent)
    , m_options(options)
    , m_slots(SlotCount, -1)
{
    m_refresh.setSingleShot(true);
    connect(&m_refresh, &QTimer::timeout, this, &RedisCluster::readMap);
}

RedisCluster::~RedisCluster() = default;

void RedisCluster::start()
{
    for (const auto &[host, port] : std::as_const(m_options.seeds))
        node(QStringLiteral("%1:%2").arg(host).arg(port));
}

RedisConnection *RedisCluster::node(const QString &address)
{
    if (RedisConnection *known = m_nodes.value(address))
        return known;
    const qsizetype colon = address.lastIndexOf(QLatin1Char(':'));
    RedisConnection::Options options = m_options.connection;
    options.host = address.left(colon);
    options.port = quint16(address.mid(colon + 1).toUInt());
    auto *connection = new RedisConnection(options, this);
    m_nodes.insert(address, connection);
    connect(connection, &RedisConnection::ready, this, [this] {
        if (slotsCovered() < SlotCount)
            scheduleRead(0); // the first node reached (or one back) reads the map
        updateReady();
    });
    connect(connection, &RedisConnection::disconnected, this, [this, address] {
        updateReady();
        if (m_addresses.contains(address))
            scheduleRead(m_options.retryMs * 4); // a primary lost: a failover may follow
    });
    connection->start();
    return connection;
}

int RedisCluster::slotsCovered() const
{
    return int(std::count_if(m_slots.cbegin(), m_slots.cend(), [](int i) { return i >= 0; }));
}

QString RedisCluster::primaryOf(int slot) const
{
    if (slot < 0 || slot >= SlotCount || m_slots[size_t(slot)] < 0)
        return {};
    return m_addresses.at(m_slots[size_t(slot)]);
}

QStringList RedisCluster::primaries() const
{
    QStringList out;
    for (const int index : m_slots) {
        if (index >= 0 && !out.contains(m_addresses.at(index)))
            out << m_addresses.at(index);
    }
    return out;
}

bool RedisCluster::computeReady() const
{
    if (slotsCovered() < SlotCount)
        return false;
    for (const QString &address : primaries()) {
        const RedisConnection *connection = m_nodes.value(address);
        if (!connection || connection->state() != RedisConnection::State::Ready)
            return false;
    }
    return true;
}

void RedisCluster::updateReady()
{
    const bool ready = computeReady();
    if (ready == m_ready)
        return;
    m_ready = ready;
    Q_EMIT readyChanged(ready);
}

void RedisCluster::scheduleRead(int delayMs)
{
    if (m_reading)
        return;
    if (!m_refresh.isActive() || m_refresh.remainingTime() > delayMs)
        m_refresh.start(delayMs);
}

void RedisCluster::readMap()
{
    // From a primary of the map first, else any node connected (the seeds among them).
    RedisConnection *from = nullptr;
    for (auto it = m_nodes.cbegin(); it != m_nodes.cend(); ++it) {
        if (it.value()->state() != RedisConnection::State::Ready)
            continue;
        if (!from || m_addresses.contains(it.key()))
            from = it.value();
    }
    if (!from) {
        m_lastError = QStringLiteral("no node of the Redis Cluster is reachable");
        scheduleRead(m_options.refreshMs);
        return;
    }
    m_reading = true;
    ++m_mapReads;
    const QString address = from->address();
    from->command({QByteArrayLiteral("CLUSTER"), QByteArrayLiteral("SLOTS")},
                  [this, address](const RedisReply &reply) {
                      m_reading = false;
                      applyMap(reply, address);
                      scheduleRead(slotsCovered() < SlotCount ? m_options.refreshMs / 10
                                                              : m_options.refreshMs);
                  });
}

void RedisCluster::applyMap(const RedisReply &reply, const QString &from)
{
    if (reply.type != RedisReply::Type::Array) {
        m_lastError = QStringLiteral("%1 did not give the slot map: %2")
                          .arg(from, QString::fromUtf8(reply.string.left(200)));
        return;
    }
    // [[start, end, [host, port, id, ...], replicas ...], ...]
    std::vector<int> slots(SlotCount, -1);
    QStringList addresses;
    for (const RedisReply &range : reply.elements) {
        if (range.type != RedisReply::Type::Array || range.elements.size() < 3
            || range.elements.at(2).type != RedisReply::Type::Array
            || range.elements.at(2).elements.size() < 2)
            continue;
        const qint64 start = range.elements.at(0).integer;
        const qint64 end = range.elements.at(1).integer;
        const RedisReply &primary = range.elements.at(2);
        const qint64 port = primary.elements.at(1).integer;
        QString host = QString::fromUtf8(primary.elements.at(0).string);
        if (host.isEmpty()) // "" or "?" for "the node you asked", by its own address
            host = from.left(from.lastIndexOf(QLatin1Char(':')));
        if (start < 0 || end >= SlotCount || start > end || port <= 0 || port > 65535)
            continue;
        const QString address = QStringLiteral("%1:%2").arg(host).arg(port);
        qsizetype index = addresses.indexOf(address);
        if (index < 0) {
            index = addresses.size();
            addresses << address;
        }
        std::fill(slots.begin() + start, slots.begin() + end + 1, int(index));
    }
    bool changed = addresses.size() != m_addresses.size();
    for (int slot = 0; slot < SlotCount && !changed; ++slot) {
        const QString was = primaryOf(slot);
        const QString now
            = slots[size_t(slot)] >= 0 ? addresses.at(slots[size_t(slot)]) : QString();
        changed = was != now;
    }
    m_slots = std::move(slots);
    m_addresses = addresses;
    for (const QString &address : std::as_const(m_addresses))
        node(address);
    if (changed) {
        qCInfo(lcRedis).noquote() << "Redis Cluster map from" << from << ":" << slotsCovered()
                                  << "slots on" << primaries().join(QStringLiteral(", "));
        Q_EMIT mapChanged();
    }
    if (slotsCovered() < SlotCount)
        m_lastError = QStringLiteral("the Redis Cluster serves %1 of %2 slots")
                          .arg(slotsCovered())
                          .arg(SlotCount);
    updateReady();
}

void RedisCluster::command(const QByteArray &key, const QList<QByteArray> &argv,
                           RedisConnection::Callback callback)
{
    commandInSlot(redisKeySlot(key), argv, std::move(callback));
}

void RedisCluster::commandInSlot(int slot, const QList<QByteArray> &argv,
                                 RedisConnection::Callback callback)
{
    auto request = std::make_shared<Request>();
    request->slot = slot;
    request->argv = argv;
    request->callback = std::move(callback);
    // Never back into the caller: a first run() answers only from the connection's reply or
    // a retry's timer, both in a later turn of the event loop.
    run(request);
}

void RedisCluster::retryLater(std::shared_ptr<Request> request, const QString &why)
{
    request->lastError = why;
    if (++request->retries > m_options.maxRetries) {
        request->callback(
            RedisReply::error(QStringLiteral("Redis Cluster: slot %1 is not served (%2)")
                                  .arg(request->slot)
                                  .arg(why)
                                  .toUtf8()));
        return;
    }
    QTimer::singleShot(m_options.retryMs, this, [this, request] { run(request); });
}

void RedisCluster::run(std::shared_ptr<Request> request)
{
    const QString address
        = request->askAddress.isEmpty() ? primaryOf(request->slot) : request->askAddress;
    if (address.isEmpty()) {
        scheduleRead(0);
        retryLater(request, QStringLiteral("no primary is known for it"));
        return;
    }
    RedisConnection *connection = node(address);
    if (connection->state() != RedisConnection::State::Ready) {
        retryLater(request,
                   QStringLiteral("%1 is not connected: %2").arg(address, connection->lastError()));
        return;
    }
    if (!request->askAddress.isEmpty()) {
        // Only the next command on this connection may touch the importing slot.
        connection->command({QByteArrayLiteral("ASKING")}, [](const RedisReply &) {});
        request->askAddress.clear();
    }
    connection->command(request->argv, [this, request, address](const RedisReply &reply) {
        if (!reply.isError()) {
            request->callback(reply);
            return;
        }
        const QString moved = redirectTarget(reply.string, "MOVED");
        const QString ask = redirectTarget(reply.string, "ASK");
        if ((!moved.isEmpty() || !ask.isEmpty()) && request->redirects++ < m_options.maxRedirects) {
            ++m_redirectsFollowed;
            if (!moved.isEmpty()) {
                // The slot lives there now; the rest of the map may have changed too.
                qsizetype index = m_addresses.indexOf(moved);
                if (index < 0) {
                    index = m_addresses.size();
                    m_addresses << moved;
                }
                m_slots[size_t(request->slot)] = int(index);
                scheduleRead(0);
            } else {
                request->askAddress = ask;
            }
            run(request);
            return;
        }
        if (reply.string.startsWith("TRYAGAIN") || reply.string.startsWith("CLUSTERDOWN")) {
            scheduleRead(0);
            retryLater(request, QString::fromUtf8(reply.string.left(200)));
            return;
        }
        request->callback(reply);
    });
}

} // namespace ssehub
