#pragma once

// Header only (it uses the engine, which the support library does not link): what the tests of
// GET /history share - the request, the answer's parts, paging, and instances of a cluster on
// the test's redis-server.
#include "engine/engine.h"
#include "httpclient.h"
#include "redis/redisbroker.h"
#include "redis/redisconnection.h"
#include "redis/redisscript.h"

#include <QJsonArray>
#include <QTest>

#include <memory>
#include <optional>

namespace ssehub::test {

using Headers = QList<QPair<QByteArray, QByteArray>>;

inline HttpResponse history(quint16 port, const QByteArray &query, const Headers &headers = {})
{
    return request(port, "GET", "/history?" + query, {}, {}, headers);
}

inline QList<QByteArray> idsOf(const HttpResponse &response)
{
    QList<QByteArray> ids;
    for (const QJsonValue &e : response.json().value(QLatin1String("events")).toArray())
        ids << e.toObject().value(QLatin1String("id")).toString().toLatin1();
    return ids;
}

inline QByteArray nextOf(const HttpResponse &response)
{
    return response.json().value(QLatin1String("next")).toString().toLatin1();
}

inline QJsonObject retainedOf(const HttpResponse &response)
{
    return response.json().value(QLatin1String("retained")).toObject();
}

// The id of a POST /publish answer.
inline QByteArray idOf(const HttpResponse &response)
{
    return response.json().value(QLatin1String("id")).toString().toLatin1();
}

inline quint64 packedId(const QByteArray &id)
{
    quint64 value = 0;
    return parseHistoryId(id, &value) ? value : 0;
}

// Every page of a query, following `next` (as after= or before=); the ids in order (a
// "status N" entry for an answer that is not 200).
inline QList<QByteArray> allPages(quint16 port, const QByteArray &query, bool descending,
                                  int *pages = nullptr, const Headers &headers = {})
{
    QList<QByteArray> ids;
    QByteArray cursor;
    for (int page = 1; page <= 100; ++page) {
        QByteArray q = query;
        if (!cursor.isEmpty())
            q += (descending ? "&before=" : "&after=") + cursor;
        const HttpResponse r = history(port, q, headers);
        if (r.status != 200)
            return {QByteArray("status ") + QByteArray::number(r.status)};
        ids += idsOf(r);
        cursor = nextOf(r);
        if (pages)
            *pages = page;
        if (cursor.isEmpty())
            break;
    }
    return ids;
}

// An instance of a cluster on the redis-server at redisPort, with short Redis timeouts.
inline std::unique_ptr<Engine> startClusterEngine(quint16 redisPort, Engine::Config config = {})
{
    config.port = 0;
    config.dataDir.clear();
    config.redisUrl = QStringLiteral("redis://127.0.0.1:%1").arg(redisPort);
    config.redisBackoffMaxMs = 200;
    config.redisTimeoutMs = 1000;
    config.maxBodyBytes = 4 * 1024 * 1024; // batches of thousands of events
    auto engine = std::make_unique<Engine>(config);
    QString error;
    if (!engine->start(&error))
        qWarning("engine did not start: %s", qPrintable(error));
    return engine;
}

// Redis reachable, caught up, its subscriptions confirmed.
inline bool waitSynced(Engine *engine)
{
    RedisBroker *broker = engine->redisBroker();
    return QTest::qWaitFor(
        [broker] {
            return broker->isReady() && !broker->isSyncing()
                && broker->subscriber()->subscriptionsConfirmed();
        },
        10000);
}

// A command, or a script, on a connection of the test's own; an error reply when Redis does not
// answer.
inline RedisReply redisCall(quint16 redisPort, const QList<QByteArray> &command,
                            const RedisScript *script = nullptr, const QList<QByteArray> &keys = {})
{
    RedisConnection::Options options;
    options.port = redisPort;
    RedisConnection probe(options);
    probe.start();
    if (!QTest::qWaitFor([&] { return probe.state() == RedisConnection::State::Ready; }, 5000))
        return RedisReply::error("not connected");
    std::optional<RedisReply> reply;
    auto answer = [&](const RedisReply &r) { reply = r; };
    if (script)
        script->run(&probe, keys, command, answer, [&] { reply = RedisReply::error("refused"); });
    else
        probe.command(command, answer);
    if (!QTest::qWaitFor([&] { return reply.has_value(); }, 5000))
        return RedisReply::error("no reply");
    return *reply;
}

} // namespace ssehub::test
