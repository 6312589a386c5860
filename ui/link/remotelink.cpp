#include "remotelink.h"

#include "consolefeed.h"
#include "remotesession.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QUrl>

namespace ssehub {

namespace {

// A client id or node id of a presence answer is cut to this (the server's are far shorter).
constexpr qsizetype MaxPresenceTextChars = 512;

QString streamPath(quint64 id)
{
    return QStringLiteral("/streams/%1").arg(id);
}

} // namespace

RemoteLink::RemoteLink(const RemoteTarget &target, QObject *parent)
    : EngineLink(parent)
    , m_target(target)
{
    qRegisterMetaType<SnapshotPtr>();
    qRegisterMetaType<EngineLink::Status>();
    qRegisterMetaType<QList<NodeLink>>();
    m_thread.setObjectName(QStringLiteral("console link"));
    Status status;
    status.message = tr("Connecting to %1…").arg(serverName());
    setStatus(status);
}

RemoteLink::~RemoteLink()
{
    m_thread.quit();
    m_thread.wait();
}

bool RemoteLink::start(QString *error)
{
    RemoteCredentials credentials;
    if (const QString problem = RemoteCredentials::load(m_target, &credentials);
        !problem.isEmpty()) {
        *error = problem;
        return false;
    }
    m_session = new RemoteSession(m_target.url, credentials, &m_inFlight);
    m_session->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_session, &QObject::deleteLater);
    connect(m_session, &RemoteSession::snapshotReady, this, [this](const SnapshotPtr &snapshot) {
        Q_EMIT snapshotReady(snapshot);
        m_inFlight.fetch_sub(1);
    });
    connect(m_session, &RemoteSession::statusChanged, this, &RemoteLink::setStatus);
    connect(m_session, &RemoteSession::logGap, this, &RemoteLink::logGap);
    connect(m_session, &RemoteSession::nodeLinksChanged, this, &RemoteLink::setNodeLinks);
    m_thread.start();
    QMetaObject::invokeMethod(m_session, &RemoteSession::start, Qt::QueuedConnection);
    return true;
}

void RemoteLink::reconnectNow()
{
    if (m_session)
        QMetaObject::invokeMethod(m_session, &RemoteSession::reconnectNow, Qt::QueuedConnection);
}

void RemoteLink::call(const QString &node, const QByteArray &method, const QString &path,
                      const QByteArray &body, QObject *context,
                      std::function<void(const HttpAnswer &)> done)
{
    if (!m_session) {
        done(HttpAnswer {0, {}, tr("not connected")});
        return;
    }
    // The answer comes back to this object (which outlives the worker thread) and goes on only
    // if its context still exists.
    QPointer<QObject> guard(context);
    RemoteSession *session = m_session;
    QMetaObject::invokeMethod(
        m_session,
        [this, session, node, method, path, body, guard, done] {
            session->send(node, method, path, body, [this, guard, done](const HttpAnswer &answer) {
                QMetaObject::invokeMethod(
                    this,
                    [guard, done, answer] {
                        if (guard)
                            done(answer);
                    },
                    Qt::QueuedConnection);
            });
        },
        Qt::QueuedConnection);
}

void RemoteLink::kick(const StreamRef &stream, const QString &reason, QObject *context,
                      std::function<void(const LinkAnswer &)> done)
{
    // The server cleans and bounds the reason (400 when too long), as the local engine does.
    const QByteArray body = reason.isEmpty()
        ? QByteArray()
        : QJsonDocument(QJsonObject {{QStringLiteral("reason"), reason}})
              .toJson(QJsonDocument::Compact);
    call(stream.node, "DELETE", streamPath(stream.id), body, context,
         [done](const HttpAnswer &answer) {
             if (answer.status == 200)
                 done(LinkAnswer::done());
             else if (answer.status == 404)
                 done(LinkAnswer::notFound());
             else
                 done(LinkAnswer::failed(answer.problem()));
         });
}

void RemoteLink::setClientPaused(const QString &node, const QString &clientId, bool paused,
                                 QObject *context, std::function<void(const LinkAnswer &)> done)
{
    const QJsonObject body {
        {QStringLiteral("state"), paused ? QStringLiteral("paused") : QStringLiteral("active")}};
    call(node, "PATCH",
         QStringLiteral("/subscriptions/") + QString::fromLatin1(QUrl::toPercentEncoding(clientId)),
         QJsonDocument(body).toJson(QJsonDocument::Compact), context,
         [done](const HttpAnswer &answer) {
             done(answer.status == 200 ? LinkAnswer::done() : LinkAnswer::failed(answer.problem()));
         });
}

void RemoteLink::streamDetail(const StreamRef &stream, QObject *context,
                              std::function<void(const StreamDetail &, const QString &)> done)
{
    call(stream.node, "GET", streamPath(stream.id), {}, context,
         [done, stream](const HttpAnswer &answer) {
             StreamDetail detail;
             detail.id = stream.id;
             if (answer.status == 404) {
                 done(detail, {});
             } else if (answer.status != 200) {
                 done(detail, answer.problem());
             } else if (!streamDetailFromJson(answer.json(), &detail)) {
                 done(detail, tr("the server's answer could not be read"));
             } else {
                 detail.found = true;
                 done(detail, {});
             }
         });
}

void RemoteLink::history(const HistoryQuery &query, QObject *context,
                         std::function<void(const HistoryPage &)> done)
{
    call({}, "GET", QStringLiteral("/history?") + QString::fromLatin1(historyQueryString(query)),
         {}, context, [done](const HttpAnswer &answer) {
             HistoryPage page;
             QString error;
             if (answer.status != 200)
                 page.error = answer.problem();
             else if (!historyPageFromJson(answer.body, &page, &error))
                 page.error = tr("the server's answer could not be read: %1").arg(error);
             done(page);
         });
}

void RemoteLink::presence(const PresenceQuery &query, QObject *context,
                          std::function<void(const PresenceAnswer &)> done)
{
    call({}, "GET", QStringLiteral("/presence?") + QString::fromLatin1(presenceQueryString(query)),
         {}, context, [done, limit = query.limit](const HttpAnswer &answer) {
             PresenceAnswer presence;
             QString error;
             if (answer.status == 404) {
                 presence.error = tr("this server does not answer GET /presence (ssehub before "
                                     "presence, or another server)");
             } else if (answer.status != 200) {
                 presence.error = answer.problem();
             } else if (!presenceFromJson(answer.body, &presence, &error)) {
                 presence.error = tr("the server's answer could not be read: %1").arg(error);
             } else {
                 // Whatever the server sends, the console keeps what it asked for at most.
                 if (presence.entries.size() > limit) {
                     presence.entries.resize(limit);
                     presence.truncated = true;
                 }
                 for (PresenceEntry &e : presence.entries) {
                     e.clientId.truncate(MaxPresenceTextChars);
                     e.node.truncate(MaxPresenceTextChars);
                 }
             }
             done(presence);
         });
}

void RemoteLink::setTail(const QByteArray &filter, QObject *context,
                         std::function<void(const LinkAnswer &)> done)
{
    if (!m_session)
        return;
    QPointer<QObject> guard(context);
    RemoteSession *session = m_session;
    QMetaObject::invokeMethod(
        m_session,
        [this, session, filter, guard, done] {
            session->setTail(filter, [this, guard, done](const LinkAnswer &answer) {
                QMetaObject::invokeMethod(
                    this,
                    [guard, done, answer] {
                        if (guard && done)
                            done(answer);
                    },
                    Qt::QueuedConnection);
            });
        },
        Qt::QueuedConnection);
}

void RemoteLink::publish(const PublishRequest &request, QObject *context,
                         std::function<void(const PublishOutcome &)> done)
{
    // The payload is one compact JSON value already (parsePublishRequest): spliced in as is.
    QJsonObject head {{QStringLiteral("topic"), QString::fromUtf8(request.topic)}};
    if (!request.type.isEmpty())
        head.insert(QStringLiteral("type"), QString::fromUtf8(request.type));
    QByteArray body = QJsonDocument(head).toJson(QJsonDocument::Compact);
    body.chop(1);
    body += ",\"payload\":" + (request.payloadJson.isEmpty() ? "null" : request.payloadJson) + '}';
    call({}, "POST", QStringLiteral("/publish"), body, context, [done](const HttpAnswer &answer) {
        PublishOutcome outcome;
        if (answer.status == 200) {
            const QJsonObject o = answer.json();
            outcome.ok = true;
            outcome.id = o.value(QLatin1String("id")).toString().toLatin1();
            outcome.delivered = o.value(QLatin1String("delivered")).toInt();
        } else {
            outcome.error = answer.problem();
        }
        done(outcome);
    });
}

void RemoteLink::reloadAccess(QObject *context, std::function<void(const LinkAnswer &)> done)
{
    call({}, "POST", QStringLiteral("/access/reload"), {}, context,
         [done](const HttpAnswer &answer) {
             if (answer.status == 200)
                 done(LinkAnswer::done(
                     answer.json().value(QLatin1String("message")).toString().left(2000)));
             else
                 done(LinkAnswer::failed(answer.problem()));
         });
}

void RemoteLink::listClients(const ClientQuery &query, QObject *context,
                             std::function<void(const ClientPage &, const QString &)> done)
{
    call({}, "GET", QStringLiteral("/clients?") + QString::fromLatin1(query.toQuery()), {}, context,
         [done](const HttpAnswer &answer) {
             ClientPage page;
             if (answer.status != 200)
                 done(page, answer.problem());
             else if (!ClientPage::fromJson(answer.json(), &page))
                 done(page, tr("the server's answer could not be read"));
             else
                 done(page, {});
         });
}

void RemoteLink::changeSubscription(const QString &clientId, const QByteArray &filter,
                                    SubscriptionAction action, QObject *context,
                                    std::function<void(const LinkAnswer &)> done)
{
    // The subscription routes, as any client of the API uses them (docs/API.md).
    const QString topics = QString::fromUtf8(filter);
    QByteArray method = "PATCH";
    QString path = QStringLiteral("/subscriptions/")
        + QString::fromLatin1(QUrl::toPercentEncoding(clientId));
    QJsonObject body {{QStringLiteral("topics"), QJsonArray {topics}}};
    switch (action) {
    case SubscriptionAction::Pause:
        body.insert(QStringLiteral("state"), QStringLiteral("paused"));
        break;
    case SubscriptionAction::Resume:
        body.insert(QStringLiteral("state"), QStringLiteral("active"));
        break;
    case SubscriptionAction::Expire:
        // Now by this machine's clock: the server's sweeper expires it within a moment.
        body.insert(QStringLiteral("expires_at"), double(QDateTime::currentMSecsSinceEpoch()));
        break;
    case SubscriptionAction::Delete:
        method = "DELETE";
        path = QStringLiteral("/unsubscribe");
        body.insert(QStringLiteral("client_id"), clientId);
        break;
    }
    call({}, method, path, QJsonDocument(body).toJson(QJsonDocument::Compact), context,
         [done](const HttpAnswer &answer) {
             done(answer.status == 200 ? LinkAnswer::done() : LinkAnswer::failed(answer.problem()));
         });
}

} // namespace ssehub
