// The HTTP front and the auth hook (--auth-hook): the question a request asks, the wait for the
// answer on the QTcpSocket path, and the identity the answer gives.
#include "api/publishbatch.h"
#include "core/clock.h"
#include "http/httpfront.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace ssehub {

bool HttpFront::hookQuestion(const HttpRequest &request, Conn::Route route, const ReplyTo &to,
                             AuthHook::Question *question) const
{
    const http::RequestHead &head = request.head();
    question->remote = to.remote();
    question->cookie = head.value("cookie");
    question->authorization = head.value("authorization");
    question->origin = head.value("origin");
    switch (route) {
    case Conn::Route::Events: {
        StreamRequest stream;
        if (!parseStreamRequest(head.query, head.value("last-event-id"), &stream).isEmpty())
            return false;
        question->operation = "connect";
        question->clientId = stream.spec.clientId;
        for (const TopicFilter &filter : std::as_const(stream.spec.filters))
            question->targets.append(filter.text());
        return true;
    }
    case Conn::Route::Subscribe: {
        QJsonParseError error;
        const QJsonDocument document = QJsonDocument::fromJson(request.body(), &error);
        if (error.error != QJsonParseError::NoError || !document.isObject())
            return false;
        const QJsonObject body = document.object();
        QList<TopicFilter> filters;
        if (!parseFilters(body.value(QLatin1String("topics")), &filters, true).isEmpty())
            return false;
        question->operation = "subscribe";
        question->clientId = body.value(QLatin1String("client_id")).toString();
        for (const TopicFilter &filter : std::as_const(filters))
            question->targets.append(filter.text());
        return true;
    }
    case Conn::Route::Publish: {
        QList<BatchItem> items;
        int status = 400;
        if (!parsePublishBatch(request.value("content-type"), request.body(), batchLimits(),
                               &items, &status)
                 .isEmpty())
            return false;
        QSet<QByteArray> seen;
        for (const BatchItem &item : std::as_const(items)) {
            if (item.error.isEmpty() && !seen.contains(item.request.topic)) {
                seen.insert(item.request.topic);
                question->targets.append(item.request.topic);
            }
        }
        question->operation = "publish";
        return !question->targets.isEmpty();
    }
    default:
        return false;
    }
}

Identity HttpFront::hookIdentity(const AuthHook::Question &question,
                                 const AuthHook::Answer &answer) const
{
    Identity who;
    who.authenticated = true;
    who.hook = true;
    // Without a client_id of its own the answer vouches for the one the request named, but
    // that id's roles in the ACL (`clients`) come only with an answer that names it: a hook
    // that checks the session alone must not hand out the roles of whatever id was asked for.
    who.clientId = answer.clientId.isEmpty() ? question.clientId : answer.clientId;
    for (const QString &role : answer.roles)
        who.roles.insert(role);
    if (!answer.clientId.isEmpty()) {
        for (const QString &role : m_options.auth.acl().rolesOf(who.clientId))
            who.roles.insert(role);
    }
    who.expiresAtMs = answer.expiresAtMs;
    // A list in the answer binds. Without one (and without roles an ACL resolves), the
    // answer allows what was asked, exactly.
    const bool rolesDecide = !who.roles.isEmpty() && m_options.auth.acl().isEnabled();
    QList<TopicFilter> asked;
    for (const QByteArray &target : question.targets)
        asked.append(TopicFilter::parse(target));
    const bool publishing = question.operation == "publish";
    if (answer.subscribeGiven) {
        who.subscribeGrants = answer.subscribe;
        who.subscribeGrantsBind = true;
    } else if (!rolesDecide) {
        if (!publishing)
            who.subscribeGrants = asked;
        who.subscribeGrantsBind = true;
    }
    if (answer.publishGiven) {
        who.publishGrants = answer.publish;
        who.publishGrantsBind = true;
    } else if (!rolesDecide) {
        if (publishing)
            who.publishGrants = asked;
        who.publishGrantsBind = true;
    }
    return who;
}

void HttpFront::askHook(QTcpSocket *socket, const HttpRequest &request, Conn::Route route)
{
    auto it = m_conns.find(socket);
    if (it == m_conns.end())
        return;
    it->askHook = false;
    const ReplyTo to = replyTo(request, socket);
    AuthHook::Question question;
    if (!m_hook || !hookQuestion(request, route, to, &question)) {
        // Malformed: the route answers its 400 (an empty identity is allowed nothing more).
        dispatch(socket, request, Identity(), route);
        return;
    }
    it->phase = Conn::Phase::Waiting;
    // The answer may come at once (remembered) or later; the connection is found again then.
    m_hook->ask(question, [this, guard = QPointer<HttpFront>(this),
                           socketGuard = QPointer<QTcpSocket>(socket), request, route, to,
                           question](const AuthHook::Answer &answer) {
        if (!guard || !socketGuard)
            return;
        QTcpSocket *socket = socketGuard.data();
        auto it = m_conns.find(socket);
        if (it == m_conns.end())
            return; // the client left
        it->phase = Conn::Phase::Head;
        switch (answer.kind) {
        case AuthHook::Answer::Kind::Allow:
            dispatch(socket, request, hookIdentity(question, answer), route);
            break;
        case AuthHook::Answer::Kind::Deny:
            refuse(to, 403, answer.message, question.clientId);
            break;
        case AuthHook::Answer::Kind::Unavailable:
            replyError(to, 503, answer.message, QByteArrayLiteral("Retry-After: 2\r\n"));
            break;
        }
        // What the client sent after this request (pipelined) is read now.
        QMetaObject::invokeMethod(
            this,
            [this, socketGuard] {
                if (socketGuard)
                    readFrom(socketGuard);
            },
            Qt::QueuedConnection);
    });
}

} // namespace ssehub
