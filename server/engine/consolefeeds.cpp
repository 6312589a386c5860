#include "engine/consolefeeds.h"

#include "core/logcategories.h"
#include "engine/engine.h"
#include "http/httpfront.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QTcpSocket>

namespace ssehub {

namespace {

QByteArray randomHex(int bytes)
{
    QByteArray raw(bytes, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(raw.data()), bytes / 4);
    return raw.toHex();
}

} // namespace

ConsoleFeeds::ConsoleFeeds(Engine *engine)
    : QObject(engine)
    , m_engine(engine)
    , m_encoder(randomHex(8))
{
    m_heartbeat.setInterval(HeartbeatMs);
    connect(&m_heartbeat, &QTimer::timeout, this, &ConsoleFeeds::heartbeat);
    m_credentials.setInterval(1000);
    connect(&m_credentials, &QTimer::timeout, this, &ConsoleFeeds::checkCredentials);
}

ConsoleFeeds::~ConsoleFeeds()
{
    closeAll();
}

QByteArray ConsoleFeeds::frame(const QByteArray &type, const QByteArray &data, const QByteArray &id)
{
    QByteArray out;
    out.reserve(data.size() + 64);
    if (!id.isEmpty())
        out += "id: " + id + '\n';
    out += "event: " + type + "\ndata: " + data + "\n\n"; // compact JSON: one line
    return out;
}

bool ConsoleFeeds::open(QTcpSocket *socket, const QByteArray &lastEventId, const Identity &who)
{
    if (m_feeds.size() >= MaxFeeds)
        return false;
    const QByteArray id = randomHex(16);
    socket->setParent(this);
    socket->setReadBufferSize(4096);
    Feed &feed = m_feeds[id];
    feed.socket = socket;
    feed.owner = m_nextOwner++;
    feed.who = who;
    connect(socket, &QTcpSocket::disconnected, this, [this, id] { close(id, {}); });
    // A console sends nothing more; whatever it sends is ignored (and not buffered).
    connect(socket, &QTcpSocket::readyRead, socket, [socket] { socket->readAll(); });

    QByteArray out = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                     "Cache-Control: no-cache\r\nX-Accel-Buffering: no\r\nConnection: close\r\n\r\n"
                     "retry: 2000\n\n";
    out += frame("feed",
                 QJsonDocument(QJsonObject {{QStringLiteral("feed"), QString::fromLatin1(id)},
                                            {QStringLiteral("heartbeat_ms"), HeartbeatMs}})
                     .toJson(QJsonDocument::Compact));
    // Resuming: the deltas after its position, if they are all still here.
    FeedPosition from;
    const FeedPosition now = m_encoder.position();
    bool resumed = false;
    if (m_encoder.hasState() && FeedPosition::fromId(lastEventId, &from) && from.epoch == now.epoch
        && from.seq <= now.seq) {
        if (from.seq == now.seq) {
            resumed = true;
        } else if (!m_recent.empty() && m_recent.front().first <= from.seq + 1) {
            for (const auto &[seq, bytes] : m_recent) {
                if (seq > from.seq)
                    out += bytes;
            }
            resumed = true;
        }
    }
    if (!resumed) {
        if (m_encoder.hasState())
            out += frame("snapshot", m_encoder.fullSnapshot(), now.toId());
        else
            feed.waitingForState = true;
    }
    qCInfo(lcHttp).noquote() << "console attached from" << socket->peerAddress().toString()
                             << (who.clientId.isEmpty() ? QString()
                                                        : QStringLiteral("as ") + who.clientId)
                             << (resumed ? "(resumed)" : "");
    if (!m_heartbeat.isActive()) {
        m_heartbeat.start();
        m_credentials.start();
        m_engine->setFeedsWatching(true);
    }
    write(id, out);
    return true;
}

HubResult<QJsonObject> ConsoleFeeds::setTail(const QByteArray &feedId, const QByteArray &filter)
{
    const auto it = m_feeds.find(feedId);
    if (it == m_feeds.end())
        return HubFailure {
            HubError::NotFound,
            QStringLiteral("no console feed %1 is open").arg(QString::fromLatin1(feedId.left(64)))};
    if (const QString error = m_engine->setTail(it->owner, filter); !error.isEmpty())
        return HubFailure {HubError::InvalidArgument, error};
    return QJsonObject {{QStringLiteral("filter"), QString::fromUtf8(filter)}};
}

void ConsoleFeeds::publish(const ConsoleSnapshot &snapshot)
{
    if (m_feeds.isEmpty())
        return;
    const QByteArray delta = m_encoder.advance(snapshot);
    const QByteArray id = m_encoder.position().toId();
    const QByteArray deltaFrame = frame("delta", delta, id);
    m_recent.emplace_back(m_encoder.position().seq, deltaFrame);
    m_recentBytes += deltaFrame.size();
    while (m_recent.size() > 1 && (m_recent.size() > ResumeDeltas || m_recentBytes > ResumeBytes)) {
        m_recentBytes -= m_recent.front().second.size();
        m_recent.pop_front();
    }
    QByteArray full;
    const QList<QByteArray> ids = m_feeds.keys();
    for (const QByteArray &feedId : ids) {
        auto it = m_feeds.find(feedId);
        if (it == m_feeds.end())
            continue;
        QByteArray out;
        if (it->waitingForState) {
            if (full.isEmpty())
                full = frame("snapshot", m_encoder.fullSnapshot(), id);
            out = full;
            it->waitingForState = false;
        } else {
            out = deltaFrame; // shared, not copied
        }
        quint64 dropped = 0;
        const QList<EventRow> tail = m_engine->takeTail(it->owner, &dropped);
        if (!tail.isEmpty() || dropped) {
            QJsonArray events;
            for (const EventRow &row : tail)
                events.append(eventRowJson(row));
            out += frame("tail",
                         QJsonDocument(QJsonObject {{QStringLiteral("events"), events},
                                                    {QStringLiteral("dropped"), qint64(dropped)}})
                             .toJson(QJsonDocument::Compact));
        }
        write(feedId, out);
    }
}

void ConsoleFeeds::write(const QByteArray &id, const QByteArray &bytes)
{
    const auto it = m_feeds.find(id);
    if (it == m_feeds.end() || !it->socket)
        return;
    QTcpSocket *socket = it->socket;
    if (socket->bytesToWrite() + bytes.size() > MaxQueuedBytes) {
        // It reads slower than the engine changes: it comes back and resumes, or gets a
        // snapshot.
        close(id,
              QStringLiteral("it read too slowly (%1 bytes waiting)").arg(socket->bytesToWrite()));
        return;
    }
    socket->write(bytes);
}

void ConsoleFeeds::heartbeat()
{
    const QList<QByteArray> ids = m_feeds.keys();
    for (const QByteArray &id : ids)
        write(id, QByteArrayLiteral(": ping\n\n"));
}

void ConsoleFeeds::checkCredentials()
{
    const Authenticator &auth = m_engine->front()->authenticator();
    if (!auth.isEnabled())
        return;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const QList<QByteArray> ids = m_feeds.keys();
    for (const QByteArray &id : ids) {
        const Identity &old = m_feeds.value(id).who;
        Identity fresh;
        QString why = auth.reidentify(old, now, &fresh);
        if (why.isEmpty() && old.certificate && old.expiresAtMs > 0 && now >= old.expiresAtMs)
            why = QStringLiteral("the client certificate expired");
        if (why.isEmpty() && !auth.isAdmin(fresh))
            why = QStringLiteral("the credentials no longer give the admin role");
        if (why.isEmpty())
            continue;
        const QJsonObject notice {{QStringLiteral("expired_at"), double(now)},
                                  {QStringLiteral("reason"), why}};
        if (QTcpSocket *socket = m_feeds.value(id).socket) {
            socket->write(
                frame("auth-expired", QJsonDocument(notice).toJson(QJsonDocument::Compact)));
            socket->flush();
        }
        close(id, QStringLiteral("its credentials no longer hold: ") + why);
    }
}

void ConsoleFeeds::close(const QByteArray &id, const QString &why)
{
    const auto it = m_feeds.find(id);
    if (it == m_feeds.end())
        return;
    const Feed feed = *it;
    m_feeds.erase(it);
    m_engine->setTail(feed.owner, {});
    if (!why.isEmpty())
        qCInfo(lcHttp).noquote() << "console feed closed:" << why;
    if (feed.socket) {
        // What was written goes out first (an auth-expired notice); a console that does not
        // read is not waited for.
        QTcpSocket *socket = feed.socket;
        socket->disconnect(this);
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        QTimer::singleShot(2000, socket, &QTcpSocket::abort);
        socket->disconnectFromHost();
    }
    if (m_feeds.isEmpty()) {
        m_heartbeat.stop();
        m_credentials.stop();
        m_engine->setFeedsWatching(false);
    }
}

void ConsoleFeeds::closeAll()
{
    const QList<QByteArray> ids = m_feeds.keys();
    for (const QByteArray &id : ids)
        close(id, {});
}

} // namespace ssehub
