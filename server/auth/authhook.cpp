#include "auth/authhook.h"

#include "auth/cachecontrol.h"
#include "auth/jose.h"
#include "core/clock.h"
#include "core/logcategories.h"
#include "hub/client.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>

namespace ssehub {

namespace {

// A backend's reason for a denial is passed on to the client, shortened and printable only.
QString shortReason(const QJsonValue &value)
{
    if (!value.isString())
        return {};
    QString reason = value.toString().left(200);
    for (QChar &c : reason) {
        if (!c.isPrint())
            c = QLatin1Char(' ');
    }
    return reason.trimmed();
}

// A list of topic filters in the answer; false when it is not a list of valid filters.
bool readFilters(const QJsonValue &value, QList<TopicFilter> *out)
{
    if (!value.isArray())
        return false;
    const QJsonArray list = value.toArray();
    if (list.size() > 1024)
        return false;
    for (const QJsonValue &item : list) {
        if (!item.isString())
            return false;
        const TopicFilter filter = TopicFilter::parse(item.toString().toUtf8());
        if (!filter.isValid())
            return false;
        out->append(filter);
    }
    return true;
}

} // namespace

const char *AuthHook::outcomeName(Outcome outcome)
{
    switch (outcome) {
    case Outcome::Allow:
        return "allow";
    case Outcome::Deny:
        return "deny";
    case Outcome::Timeout:
        return "timeout";
    case Outcome::Error:
        return "error";
    case Outcome::Invalid:
        return "invalid";
    case Outcome::Busy:
        return "busy";
    case Outcome::Count_:
        break;
    }
    return "";
}

AuthHook::AuthHook(const Options &options, QObject *parent)
    : QObject(parent)
    , m_options(options)
    , m_network(new QNetworkAccessManager(this))
{
}

AuthHook::~AuthHook()
{
    cancelAll();
}

void AuthHook::cancelAll()
{
    // Questions still waiting are answered "unavailable": their requests get a 503, not
    // silence.
    const QHash<QByteArray, Call> calls = std::exchange(m_calls, {});
    Answer answer;
    answer.message = QStringLiteral("the server is shutting down");
    for (const Call &call : calls) {
        for (const Done &done : call.waiting)
            done(answer);
    }
}

QByteArray AuthHook::questionJson(const Question &question)
{
    QJsonObject o;
    o.insert(QStringLiteral("operation"), QString::fromLatin1(question.operation));
    o.insert(QStringLiteral("client_id"),
             question.clientId.isEmpty() ? QJsonValue() : QJsonValue(question.clientId));
    QJsonArray targets;
    for (const QByteArray &target : question.targets)
        targets.append(QString::fromUtf8(target));
    if (question.operation == "publish") {
        o.insert(QStringLiteral("topic"),
                 question.targets.size() == 1 ? QJsonValue(targets.first()) : QJsonValue());
        o.insert(QStringLiteral("topics"), targets);
    } else {
        o.insert(QStringLiteral("filters"), targets);
    }
    o.insert(QStringLiteral("remote"), question.remote);
    QJsonObject headers;
    auto header = [&](const char *name, const QByteArray &value) {
        if (!value.isNull())
            headers.insert(QLatin1String(name), QString::fromLatin1(value.left(MaxHeaderBytes)));
    };
    header("cookie", question.cookie);
    header("authorization", question.authorization);
    header("origin", question.origin);
    o.insert(QStringLiteral("headers"), headers);
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QByteArray AuthHook::keyOf(const Question &question)
{
    // The credentials and the whole question: what one answer may be given for. Hashed, so
    // that a remembered answer costs the same whatever the cookies weigh.
    QCryptographicHash hash(QCryptographicHash::Sha256);
    auto field = [&](QByteArrayView bytes) {
        const qint64 size = bytes.size();
        hash.addData(QByteArrayView(reinterpret_cast<const char *>(&size), sizeof size));
        hash.addData(bytes);
    };
    field(question.operation);
    field(question.clientId.toUtf8());
    for (const QByteArray &target : question.targets)
        field(target);
    field("\n");
    field(question.cookie);
    field(question.authorization);
    field(question.origin);
    // The address, not the port: a backend may decide by it.
    field(question.remote.left(question.remote.lastIndexOf(QLatin1Char(':'))).toUtf8());
    return hash.result();
}

void AuthHook::ask(const Question &question, Done done)
{
    const QByteArray key = keyOf(question);
    const qint64 now = Clock::monotonicMs();
    if (auto it = m_cache.find(key); it != m_cache.end()) {
        if (it->untilMs > now) {
            ++m_stats.cacheHits;
            qint64 ms = 0;
            Outcome outcome = Outcome::Error;
            done(readAnswer(it->status, {}, it->body, Clock::wallMs(), &ms, &outcome));
            return;
        }
        m_cacheBytes -= it->body.size() + key.size();
        m_cache.erase(it);
    }
    if (auto it = m_calls.find(key); it != m_calls.end()) {
        ++m_stats.shared;
        it->waiting.append(std::move(done));
        return;
    }
    if (m_calls.size() >= m_options.maxInFlight) {
        ++m_stats.calls[size_t(Outcome::Busy)];
        Answer busy;
        busy.message = QStringLiteral("the auth hook has %1 questions waiting; try again later")
                           .arg(m_calls.size());
        done(busy);
        return;
    }
    Call &call = m_calls[key];
    call.waiting.append(std::move(done));
    call.timer.start();

    QNetworkRequest request(m_options.url);
    request.setTransferTimeout(m_options.timeoutMs);
    // A POST is not followed elsewhere: a redirect is an answer that cannot be read.
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::ManualRedirectPolicy);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setHeader(QNetworkRequest::UserAgentHeader, QByteArrayLiteral("ssehub"));
    request.setRawHeader("Accept", "application/json");
    QNetworkReply *reply = m_network->post(request, questionJson(question));
    // The transfer timeout restarts with every byte: a backend trickling its answer would hold
    // the request for good. This deadline does not.
    QTimer::singleShot(m_options.timeoutMs, reply, [reply] {
        reply->setProperty("ssehubTimedOut", true);
        reply->abort();
    });
    connect(reply, &QNetworkReply::downloadProgress, this,
            [reply](qint64 received, qint64 total) {
                if (received > MaxAnswerBytes || total > MaxAnswerBytes) {
                    reply->setProperty("ssehubTooLarge", true);
                    reply->abort();
                }
            });
    connect(reply, &QNetworkReply::finished, this, [this, reply, key] { finished(reply, key); });
}

AuthHook::Answer AuthHook::readAnswer(int status, const QByteArray &cacheControl,
                                      const QByteArray &body, qint64 nowMs, qint64 *cacheMs,
                                      Outcome *outcome) const
{
    Answer answer;
    *cacheMs = 0;
    const qint64 maxAge = cacheControlMaxAgeMs(cacheControl);
    auto unavailable = [&](Outcome why, const QString &message) {
        *outcome = why;
        answer.kind = Answer::Kind::Unavailable;
        answer.message = message;
        return answer;
    };
    auto deny = [&](const QString &reason) {
        *outcome = Outcome::Deny;
        answer.kind = Answer::Kind::Deny;
        answer.message = reason.isEmpty() ? QStringLiteral("the auth hook denied the request")
                                          : QStringLiteral("the auth hook denied the request: %1")
                                                .arg(reason);
        *cacheMs = qBound<qint64>(0, maxAge, qMin(DenialCacheMs, m_options.cacheMaxMs));
        return answer;
    };
    if (status >= 500 || status < 200 || (status >= 300 && status < 400))
        return unavailable(Outcome::Error,
                           QStringLiteral("the auth hook answered HTTP %1").arg(status));
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(body, &error);
    if (status != 200) {
        return deny(document.isObject() ? shortReason(document.object().value(
                        QLatin1String("error")))
                                        : QString());
    }
    if (error.error != QJsonParseError::NoError || !document.isObject())
        return unavailable(Outcome::Invalid,
                           QStringLiteral("the auth hook's answer is not a JSON object"));
    // Strict JSON as tokens are read: a name twice ({"allow": false, "allow": true}) is not an
    // answer anyone meant (QJsonDocument would take the last).
    jose::Value strict;
    if (QString problem; !jose::parseObject(body, &strict, &problem))
        return unavailable(Outcome::Invalid,
                           QStringLiteral("the auth hook's answer is not strict JSON (%1)")
                               .arg(problem));
    const QJsonObject o = document.object();
    const QJsonValue allow = o.value(QLatin1String("allow"));
    if (!allow.isBool())
        return unavailable(Outcome::Invalid,
                           QStringLiteral("the auth hook's answer has no boolean \"allow\""));
    if (!allow.toBool())
        return deny(shortReason(o.value(QLatin1String("error"))));

    auto invalid = [&](const char *what) {
        return unavailable(Outcome::Invalid,
                           QStringLiteral("the auth hook's answer has an invalid \"%1\"")
                               .arg(QLatin1String(what)));
    };
    if (const QJsonValue id = o.value(QLatin1String("client_id")); !id.isUndefined()
        && !id.isNull()) {
        if (!id.isString() || !validateAuthenticatedClientId(id.toString().toUtf8()).isEmpty())
            return invalid("client_id");
        answer.clientId = id.toString();
    }
    if (const QJsonValue roles = o.value(QLatin1String("roles")); !roles.isUndefined()) {
        if (!roles.isArray() || roles.toArray().size() > 64)
            return invalid("roles");
        for (const QJsonValue &role : roles.toArray()) {
            if (!role.isString() || role.toString().isEmpty() || role.toString().size() > 128)
                return invalid("roles");
            answer.roles.append(role.toString());
        }
    }
    if (const QJsonValue list = o.value(QLatin1String("subscribe")); !list.isUndefined()) {
        if (!readFilters(list, &answer.subscribe))
            return invalid("subscribe");
        answer.subscribeGiven = true;
    }
    if (const QJsonValue list = o.value(QLatin1String("publish")); !list.isUndefined()) {
        if (!readFilters(list, &answer.publish))
            return invalid("publish");
        answer.publishGiven = true;
    }
    if (const QJsonValue expires = o.value(QLatin1String("expires_at")); !expires.isUndefined()
        && !expires.isNull()) {
        if (!expires.isDouble() || expires.toDouble() <= 0 || expires.toDouble() > 1e11)
            return invalid("expires_at");
        answer.expiresAtMs = qint64(expires.toDouble() * 1000);
        if (answer.expiresAtMs <= nowMs)
            return deny(QStringLiteral("the allowance expired already (expires_at)"));
    }
    *outcome = Outcome::Allow;
    answer.kind = Answer::Kind::Allow;
    qint64 keep = qBound<qint64>(0, maxAge, m_options.cacheMaxMs);
    if (answer.expiresAtMs)
        keep = qMin(keep, answer.expiresAtMs - nowMs);
    *cacheMs = keep;
    return answer;
}

void AuthHook::finished(QNetworkReply *reply, const QByteArray &key)
{
    reply->deleteLater();
    auto it = m_calls.find(key);
    if (it == m_calls.end())
        return;
    const qint64 elapsedMs = it->timer.elapsed();
    const QList<Done> waiting = std::move(it->waiting);
    m_calls.erase(it);

    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    Answer answer;
    Outcome outcome = Outcome::Error;
    qint64 cacheMs = 0;
    if (reply->property("ssehubTooLarge").toBool()) {
        outcome = Outcome::Invalid;
        answer.message
            = QStringLiteral("the auth hook's answer is larger than %1 bytes").arg(MaxAnswerBytes);
    } else if (reply->property("ssehubTimedOut").toBool()
               || reply->error() == QNetworkReply::OperationCanceledError
               || reply->error() == QNetworkReply::TimeoutError) {
        outcome = Outcome::Timeout;
        answer.message
            = QStringLiteral("the auth hook did not answer within %1 ms").arg(m_options.timeoutMs);
    } else if (status == 0) {
        answer.message = QStringLiteral("the auth hook cannot be reached: %1")
                             .arg(reply->errorString());
    } else {
        // 4xx answers come with an error set by Qt: their status decides.
        const QByteArray body = reply->read(MaxAnswerBytes + 1);
        answer = readAnswer(status, reply->rawHeader("Cache-Control"), body, Clock::wallMs(),
                            &cacheMs, &outcome);
        if (cacheMs > 0)
            remember(key, status, body, cacheMs);
    }
    const QString error = answer.kind == Answer::Kind::Unavailable ? answer.message : QString();
    // Logged when it starts failing (or fails differently) and when it recovers: not once per
    // request of a flood.
    if (error != m_stats.lastError) {
        if (error.isEmpty())
            qCInfo(lcEngine).noquote() << "auth hook: answering again";
        else
            qCWarning(lcEngine).noquote() << "auth hook:" << error;
    }
    count(outcome, elapsedMs, error);
    for (const Done &done : waiting)
        done(answer);
}

void AuthHook::count(Outcome outcome, qint64 elapsedMs, const QString &error)
{
    ++m_stats.calls[size_t(outcome)];
    const double seconds = double(elapsedMs) / 1000.0;
    for (size_t i = 0; i < LatencyBounds.size(); ++i) {
        if (seconds <= LatencyBounds[i])
            ++m_stats.buckets[i];
    }
    m_stats.latencySumSeconds += seconds;
    ++m_stats.latencyCount;
    m_stats.lastLatencyMs = elapsedMs;
    m_stats.lastError = error;
}

void AuthHook::remember(const QByteArray &key, int status, const QByteArray &body, qint64 ms)
{
    const qint64 now = Clock::monotonicMs();
    const qint64 bytes = body.size() + key.size();
    if (m_cache.size() >= m_options.maxCacheEntries || m_cacheBytes + bytes > MaxCacheBytes) {
        for (auto it = m_cache.begin(); it != m_cache.end();) {
            if (it->untilMs <= now) {
                m_cacheBytes -= it->body.size() + it.key().size();
                it = m_cache.erase(it);
            } else {
                ++it;
            }
        }
        if (m_cache.size() >= m_options.maxCacheEntries || m_cacheBytes + bytes > MaxCacheBytes)
            return; // full of answers still good: this one is asked again next time
    }
    if (auto it = m_cache.find(key); it != m_cache.end())
        m_cacheBytes -= it->body.size() + key.size();
    m_cache.insert(key, Remembered {status, body, now + ms});
    m_cacheBytes += bytes;
}

AuthHook::Stats AuthHook::stats() const
{
    Stats stats = m_stats;
    stats.cacheEntries = int(m_cache.size());
    stats.cacheBytes = m_cacheBytes;
    stats.inFlight = int(m_calls.size());
    return stats;
}

} // namespace ssehub
