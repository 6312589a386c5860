#include "feedconnection.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRandomGenerator>
#include <QTimer>

namespace ssehub {

namespace {

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

// 0.5 s, 1 s, 2 s ... 15 s, each spread by a quarter either way, so that consoles cut off
// together do not come back together.
int backoffMs(int attempt)
{
    const qint64 base = qMin<qint64>(FeedConnection::MaxBackoffMs,
                                     qint64(FeedConnection::MinBackoffMs) << qMin(attempt, 10));
    const double spread = 0.75 + 0.5 * QRandomGenerator::global()->generateDouble();
    return int(base * spread);
}

} // namespace

QJsonObject HttpAnswer::json() const
{
    return QJsonDocument::fromJson(body).object();
}

QString HttpAnswer::problem() const
{
    if (status == 0)
        return error;
    const QString said = json().value(QLatin1String("error")).toString();
    if (!said.isEmpty())
        return said.left(500);
    return FeedConnection::tr("the server answered HTTP %1").arg(status);
}

FeedConnection::FeedConnection(QNetworkAccessManager *network, const QUrl &base,
                               const RemoteCredentials &credentials, std::atomic<int> *inFlight,
                               QObject *parent)
    : QObject(parent)
    , m_network(network)
    , m_base(base)
    , m_credentials(credentials)
    , m_inFlight(inFlight)
    , m_retry(new QTimer(this))
    , m_hold(new QTimer(this))
{
    m_retry->setSingleShot(true);
    connect(m_retry, &QTimer::timeout, this, &FeedConnection::connectFeed);
    m_hold->setSingleShot(true);
    m_hold->setInterval(50);
    connect(m_hold, &QTimer::timeout, this, &FeedConnection::takeSnapshot);
}

FeedConnection::~FeedConnection()
{
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
        m_reply->deleteLater();
    }
}

void FeedConnection::start()
{
    setStatus(EngineLink::State::Connecting, tr("Connecting to %1…").arg(m_base.toString()));
    connectFeed();
}

void FeedConnection::reconnectNow()
{
    m_retry->stop();
    if (m_reply) {
        QNetworkReply *old = m_reply;
        m_reply = nullptr;
        old->disconnect(this);
        old->abort();
        old->deleteLater();
    }
    connectFeed();
}

QNetworkRequest FeedConnection::request(const QString &path) const
{
    QUrl url = m_base;
    // Already percent-encoded; a query (GET /clients?...) goes where a query belongs.
    const qsizetype query = path.indexOf(QLatin1Char('?'));
    url.setPath(path.left(query), QUrl::StrictMode);
    if (query >= 0)
        url.setQuery(path.mid(query + 1), QUrl::StrictMode);
    QNetworkRequest request(url);
    if (!m_credentials.token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + m_credentials.token);
    // Nothing may carry the token elsewhere, and the feed is one long HTTP/1.1 response.
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::ManualRedirectPolicy);
    request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    request.setAttribute(QNetworkRequest::CacheLoadControlAttribute,
                         QNetworkRequest::AlwaysNetwork);
    request.setAttribute(QNetworkRequest::CacheSaveControlAttribute, false);
    if (url.scheme() == QLatin1String("https"))
        request.setSslConfiguration(m_credentials.ssl);
    return request;
}

void FeedConnection::connectFeed()
{
    if (m_reply)
        return;
    QNetworkRequest feed = request(QStringLiteral("/console/feed"));
    feed.setRawHeader("Accept", "text/event-stream");
    feed.setRawHeader("Cache-Control", "no-cache");
    if (m_resume && m_decoder.hasState())
        feed.setRawHeader("Last-Event-ID", m_decoder.lastEventId());
    // No byte for this long (heartbeats come every 15 s): the link is dead.
    feed.setTransferTimeout(SilenceMs);
    m_reader.restart();
    m_errorBody.clear();
    m_liveOnThisReply = false;
    m_typeChecked = false;
    m_reply = m_network->get(feed);
    m_reply->setReadBufferSize(MaxBodyBytes);
    connect(m_reply, &QNetworkReply::readyRead, this, &FeedConnection::onReadyRead);
    connect(m_reply, &QNetworkReply::finished, this,
            [this, reply = m_reply.data()] { onFinished(reply); });
}

void FeedConnection::onReadyRead()
{
    QNetworkReply *reply = m_reply;
    if (!reply)
        return;
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status != 200) {
        // An error's body, for its message; bounded.
        m_errorBody += reply->read(qMax<qint64>(0, 64 * 1024 - m_errorBody.size()));
        reply->readAll();
        return;
    }
    if (!m_typeChecked
        && !reply->header(QNetworkRequest::ContentTypeHeader)
                .toString()
                .startsWith(QLatin1String("text/event-stream"))) {
        lost(tr("%1 answers, but not with a console feed (is it an ssehub?)")
                 .arg(m_base.toString()));
        return;
    }
    m_typeChecked = true;
    QString error;
    bool applied = false;
    const bool ok = m_reader.feed(reply->readAll(), [&](const SseReader::Event &event) {
        if (!error.isEmpty())
            return;
        // `feed` (this feed's id), `snapshot`, `delta`, `tail`; other types are a later
        // version's, and the decoder passes over them.
        if (!m_decoder.apply(event.type, event.data, event.lastEventId, &error)) {
            if (error.isEmpty())
                error = tr("an event it could not read");
            return;
        }
        applied
            = applied || event.type == "snapshot" || event.type == "delta" || event.type == "tail";
    });
    // A new feed (every connection is one) starts without the tail this console asked for.
    if (!m_tail.isEmpty() && m_decoder.feedId() != m_tailFeed && !m_tailSending && error.isEmpty())
        setTail(m_tail, {});
    if (applied) {
        m_pending = true;
        if (!m_liveOnThisReply && m_decoder.hasState()) {
            m_liveOnThisReply = m_everLive = true;
            m_attempt = 0;
            m_lostAtMs = 0;
            setStatus(EngineLink::State::Live, {});
        }
        if (const quint64 gap = m_decoder.logGap(); gap > m_gapSeen) {
            Q_EMIT logGap(gap - m_gapSeen, m_lostAtMs ? m_lostAtMs : nowMs());
            m_gapSeen = gap;
        }
        takeSnapshot();
    }
    if (!error.isEmpty()) {
        // Start over with a full snapshot (the decoder still knows which log entries it has).
        m_resume = false;
        lost(tr("the feed could not be read (%1); starting over").arg(error));
    } else if (!ok) {
        lost(tr("the server sent an event larger than %1 MiB").arg(MaxEventBytes >> 20));
    }
}

void FeedConnection::onFinished(QNetworkReply *reply)
{
    if (reply != m_reply) // an abandoned attempt
        return;
    m_reply = nullptr;
    reply->deleteLater();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status == 401 || status == 403) {
        m_errorBody += reply->read(qMax<qint64>(0, 64 * 1024 - m_errorBody.size()));
        const HttpAnswer answer {status, m_errorBody, {}};
        const QString said = answer.problem();
        QString message;
        if (!m_credentials.token.isEmpty())
            message = tr("The server refused the token: %1").arg(said);
        else if (status == 401)
            message = tr("The server asks for an admin token: %1. Give one in File > Connect "
                         "to server…")
                          .arg(said);
        else
            message = tr("The server refused these credentials: %1").arg(said);
        lost(message, true);
        return;
    }
    if (status != 200 && status != 0) {
        m_errorBody += reply->read(qMax<qint64>(0, 64 * 1024 - m_errorBody.size()));
        lost(tr("the server answered the feed with %1")
                 .arg(HttpAnswer {status, m_errorBody, {}}.problem()));
        return;
    }
    if (reply->error() == QNetworkReply::NoError
        || reply->error() == QNetworkReply::RemoteHostClosedError)
        lost(tr("the server closed the feed"));
    else if (reply->error() == QNetworkReply::OperationCanceledError)
        lost(tr("nothing came from the server for %1 s").arg(SilenceMs / 1000));
    else
        lost(reply->errorString());
}

void FeedConnection::lost(const QString &why, bool refused)
{
    if (m_reply) {
        QNetworkReply *old = m_reply;
        m_reply = nullptr;
        old->disconnect(this);
        old->abort();
        old->deleteLater();
    }
    // What was decoded is not lost with the link.
    if (m_pending)
        takeSnapshot();
    const int wait = refused ? RefusedRetryMs : backoffMs(m_attempt++);
    const qint64 retryAt = nowMs() + wait;
    m_retry->start(wait);
    if (refused) {
        setStatus(EngineLink::State::Refused, why, retryAt);
        return;
    }
    if (!m_everLive) {
        setStatus(EngineLink::State::Connecting,
                  tr("Cannot reach %1: %2").arg(m_base.toString(), why), retryAt);
        return;
    }
    if (m_status.state != EngineLink::State::Stale)
        m_lostAtMs = nowMs();
    setStatus(EngineLink::State::Stale, why, retryAt);
}

void FeedConnection::setStatus(EngineLink::State state, const QString &message, qint64 retryAt)
{
    m_status.state = state;
    m_status.message = message;
    m_status.retryAtMs = retryAt;
    m_status.lostAtMs = state == EngineLink::State::Stale ? m_lostAtMs : 0;
    Q_EMIT statusChanged(m_status);
}

void FeedConnection::takeSnapshot()
{
    if (!m_pending)
        return;
    if (m_inFlight->load() >= 2) {
        if (!m_hold->isActive())
            m_hold->start();
        return;
    }
    const SnapshotPtr snapshot = m_decoder.take();
    m_pending = false;
    if (snapshot)
        Q_EMIT snapshotReady(snapshot);
}

void FeedConnection::send(const QByteArray &method, const QString &path, const QByteArray &body,
                          std::function<void(const HttpAnswer &)> done)
{
    QNetworkRequest call = request(path);
    call.setTransferTimeout(RequestTimeoutMs);
    if (!body.isEmpty())
        call.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    QNetworkReply *reply = m_network->sendCustomRequest(call, method, body);
    reply->setReadBufferSize(MaxBodyBytes + 1);
    auto tooLarge = std::make_shared<bool>(false);
    connect(reply, &QNetworkReply::readyRead, this, [reply, tooLarge] {
        if (reply->bytesAvailable() > MaxBodyBytes) {
            *tooLarge = true;
            reply->abort();
        }
    });
    connect(reply, &QNetworkReply::finished, this, [this, reply, tooLarge, done] {
        reply->deleteLater();
        HttpAnswer answer;
        answer.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (*tooLarge) {
            answer.status = 0;
            answer.error = tr("the answer was larger than %1 MiB").arg(MaxBodyBytes >> 20);
        } else {
            answer.body = reply->read(MaxBodyBytes);
            if (answer.status == 0)
                answer.error = reply->error() == QNetworkReply::OperationCanceledError
                    ? tr("no answer within %1 s").arg(RequestTimeoutMs / 1000)
                    : reply->errorString();
        }
        if (done)
            done(answer);
    });
}

void FeedConnection::setTail(const QByteArray &filter, std::function<void(const LinkAnswer &)> done)
{
    m_tail = filter;
    if (m_tailSending) {
        // Sent once the answer to the one on its way is in.
        if (m_tailDone)
            std::exchange(m_tailDone, {})(LinkAnswer::failed(tr("replaced by a newer tail")));
        m_tailDone = std::move(done);
        return;
    }
    const QByteArray feed = m_decoder.feedId();
    if (feed.isEmpty() || !m_reply) {
        // Told as soon as a feed is open.
        if (done)
            done(LinkAnswer::failed(tr("not connected to the server")));
        return;
    }
    if (filter.isEmpty() && feed != m_tailFeed) {
        // A feed starts without a tail: nothing to turn off.
        if (done)
            done(LinkAnswer::done());
        return;
    }
    m_tailSending = true;
    const QJsonObject body {{QStringLiteral("feed"), QString::fromLatin1(feed)},
                            {QStringLiteral("filter"), QString::fromUtf8(filter)}};
    send("POST", QStringLiteral("/console/tail"),
         QJsonDocument(body).toJson(QJsonDocument::Compact),
         [this, filter, feed, done](const HttpAnswer &answer) {
             m_tailSending = false;
             // This feed was told (a refused filter is not asked again on it).
             m_tailFeed = feed;
             if (answer.status == 400 && filter == m_tail)
                 m_tail.clear();
             if (done)
                 done(answer.status == 200 ? LinkAnswer::done()
                                           : LinkAnswer::failed(answer.problem()));
             if (filter != m_tail || m_tailDone)
                 setTail(m_tail, std::exchange(m_tailDone, {}));
         });
}

} // namespace ssehub
