#include "redisbroker.h"

#include "logging.h"
#include "topicfilter.h"

#include <QCryptographicHash>
#include <QTimer>
#include <QUrl>

namespace ssehub {

namespace {

// KEYS: stream, its byte count. ARGV: max length, topic, type, payload, channel, max bytes,
// the fixed cost of an entry.
// The Stream keeps at most `max length` entries and `max bytes`, an entry counted as an instance
// counts the event in memory (EventHistory::costOf: the fixed cost, topic x3, type x5,
// payload x4), so that what the Stream holds fits an instance's history and backlogs. The
// newest entry always stays. The oldest entries are trimmed exactly (XTRIM MINID) and their cost
// taken off the count, which starts afresh whenever the Stream holds one entry.
const QByteArray PublishScript = QByteArrayLiteral(R"lua(
local id = redis.call('XADD', KEYS[1], '*', 't', ARGV[2], 'y', ARGV[3], 'p', ARGV[4])
local receivers = redis.call('PUBLISH', ARGV[5], id .. '\n' .. ARGV[3] .. '\n' .. ARGV[4])
local base = tonumber(ARGV[7])
local size = base + 3 * #ARGV[2] + 5 * #ARGV[3] + 4 * #ARGV[4]
local len = redis.call('XLEN', KEYS[1])
local bytes = size
local fresh = len == 1
if not fresh then bytes = redis.call('INCRBY', KEYS[2], size) end
local maxlen, maxbytes = tonumber(ARGV[1]), tonumber(ARGV[6])
local from, cut, want = '-', nil, math.max(len - maxlen, 1)
while len > 1 and (len > maxlen or bytes > maxbytes) do
  local batch = redis.call('XRANGE', KEYS[1], from, '+', 'COUNT', math.min(want, 256))
  local before = len
  for _, entry in ipairs(batch) do
    if len <= 1 or (len <= maxlen and bytes <= maxbytes) then break end
    local fields = entry[2]
    local cost = base
    for i = 1, #fields - 1, 2 do
      local name, value = fields[i], fields[i + 1]
      if name == 't' then cost = cost + 3 * #value
      elseif name == 'y' then cost = cost + 5 * #value
      else cost = cost + 4 * #value end
    end
    bytes = bytes - cost
    len = len - 1
    cut = entry[1]
  end
  if len == before then break end
  from = '(' .. cut
  want = want * 2
end
if cut then
  local ms, seq = string.match(cut, '^(%d+)-(%d+)$')
  redis.call('XTRIM', KEYS[1], 'MINID', ms .. '-' .. (tonumber(seq) + 1))
end
if fresh or cut then redis.call('SET', KEYS[2], bytes) end
return {id, receivers}
)lua");

// KEYS: stream. ARGV: cursor ('' for the start), count.
// Returns {last generated id, max deleted id, first retained id, entries after the cursor}.
// Trimming (MAXLEN) advances the first retained id; XDEL advances the max deleted id; a Stream
// that Redis lost and that was created again starts with a new first id. Ids before the first
// retained one are therefore gone (or never were in this Stream): a cursor there is a gap.
const QByteArray ReadScript = QByteArrayLiteral(R"lua(
if redis.call('EXISTS', KEYS[1]) == 0 then return {'', '', '', {}} end
local info = redis.call('XINFO', 'STREAM', KEYS[1])
local last, maxdel, first = '', '', ''
for i = 1, #info, 2 do
  local k = info[i]
  if k == 'last-generated-id' then last = info[i + 1]
  elseif k == 'max-deleted-entry-id' then maxdel = info[i + 1]
  elseif k == 'recorded-first-entry-id' then first = info[i + 1] end
end
local from = '-'
if ARGV[1] ~= '' then from = '(' .. ARGV[1] end
local entries = {}
if tonumber(ARGV[2]) > 0 then entries = redis.call('XRANGE', KEYS[1], from, '+', 'COUNT', ARGV[2]) end
return {last, maxdel, first, entries}
)lua");

constexpr int PageSize = 1000;
// A read refused before it was sent fails after this long (see readStream).
constexpr int RefusedRetryMs = 100;
constexpr size_t MaxBuffered = 100000;

QByteArray sha1Hex(const QByteArray &text)
{
    return QCryptographicHash::hash(text, QCryptographicHash::Sha1).toHex();
}

// Escapes glob characters so that a topic level matches only itself in a Redis pattern.
QByteArray globLiteral(const QByteArray &text)
{
    QByteArray out;
    out.reserve(text.size());
    for (const char c : text) {
        if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\')
            out.append('\\');
        out.append(c);
    }
    return out;
}

// The event in a Stream entry [id, [field, value, ...]]; null if it is not one of ours.
EventPtr eventFromEntry(const RedisReply &entry)
{
    if (entry.type != RedisReply::Type::Array || entry.elements.size() != 2)
        return nullptr;
    quint64 id = 0;
    if (!packStreamId(entry.elements.at(0).string, &id))
        return nullptr;
    QByteArray topic, type, payload;
    const QList<RedisReply> &fields = entry.elements.at(1).elements;
    for (qsizetype i = 0; i + 1 < fields.size(); i += 2) {
        const QByteArray &name = fields.at(i).string;
        if (name == "t")
            topic = fields.at(i + 1).string;
        else if (name == "y")
            type = fields.at(i + 1).string;
        else if (name == "p")
            payload = fields.at(i + 1).string;
    }
    if (topic.isEmpty() || payload.isEmpty())
        return nullptr;
    const qint64 ms = qint64((id & ~StreamIdFlag) >> StreamIdSeqBits);
    return makeEvent(id, topic, type, payload, ms);
}

} // namespace

bool RedisBroker::parseUrl(const QString &text, RedisConnection::Options *out, QString *error)
{
    const QUrl url(text, QUrl::StrictMode);
    auto fail = [&](const QString &why) {
        *error = QStringLiteral("invalid Redis URL '%1': %2 (expected "
                                "redis://[:password@]host[:port][/db])")
                     .arg(text, why);
        return false;
    };
    if (!url.isValid())
        return fail(url.errorString());
    if (url.scheme() != QLatin1String("redis"))
        return fail(QStringLiteral("the scheme must be redis"));
    if (url.host().isEmpty())
        return fail(QStringLiteral("no host"));
    if (url.hasQuery() || url.hasFragment())
        return fail(QStringLiteral("no query or fragment allowed"));
    RedisConnection::Options options = *out;
    options.host = url.host();
    const int port = url.port(6379);
    if (port <= 0 || port > 65535)
        return fail(QStringLiteral("bad port"));
    options.port = quint16(port);
    options.password = url.password(QUrl::FullyDecoded).toUtf8();
    const QString path = url.path();
    if (!path.isEmpty() && path != QLatin1String("/")) {
        bool ok = false;
        const int db = path.mid(1).toInt(&ok);
        if (!ok || db < 0)
            return fail(QStringLiteral("the path must be a database number"));
        options.database = db;
    }
    *out = options;
    return true;
}

RedisBroker::RedisBroker(const Options &options, QObject *parent)
    : Broker(parent)
    , m_options(options)
    , m_commands(new RedisConnection(options.redis, this))
    , m_subscriber(new RedisConnection(options.redis, this))
    , m_history(options.historySize, options.historyBytes)
    , m_streamKey(options.prefix + "events")
    , m_channelPrefix(options.prefix + "ev:")
{
    m_history.setHorizon(StreamIdFlag);
    // What an event costs beyond its topic, type and payload (ids and timestamps of today's
    // length, the envelope's keys, the frames' lines, the objects).
    m_entryBaseCost = EventHistory::costOf(
        *makeEvent(StreamIdFlag | (quint64(1'700'000'000'000) << StreamIdSeqBits), {}, {}, {},
                   1'700'000'000'000));
    connect(m_commands, &RedisConnection::ready, this, [this] {
        if (!m_wasReady) {
            m_wasReady = true;
            Q_EMIT readyChanged(true);
        }
        runQueuedBacklogs();
        maybeSync();
    });
    connect(m_commands, &RedisConnection::disconnected, this, [this] {
        if (m_wasReady) {
            m_wasReady = false;
            Q_EMIT readyChanged(false);
        }
        onConnectionLost();
    });
    connect(m_subscriber, &RedisConnection::allSubscribed, this, [this] {
        runQueuedBacklogs();
        maybeSync();
    });
    connect(m_subscriber, &RedisConnection::disconnected, this, &RedisBroker::onConnectionLost);
}

RedisBroker::~RedisBroker() = default;

void RedisBroker::start()
{
    m_commands->start();
    m_subscriber->start();
}

QString RedisBroker::state() const
{
    if (!isReady())
        return QStringLiteral("redis %1 unavailable: %2")
            .arg(address(),
                 m_commands->lastError().isEmpty() ? QStringLiteral("connecting")
                                                   : m_commands->lastError());
    return m_syncing ? QStringLiteral("redis %1 catching up").arg(address())
                     : QStringLiteral("redis %1 connected").arg(address());
}

bool RedisBroker::isReady() const
{
    return m_commands->state() == RedisConnection::State::Ready;
}

// --- Publishing -------------------------------------------------------------------------------

void RedisBroker::publish(const PublishRequest &request, Done done)
{
    static const QByteArray sha = sha1Hex(PublishScript);
    auto fail = [done](int status, const QString &error) {
        PublishResult result;
        result.httpStatus = status;
        result.error = error;
        done(result);
    };
    if (!isReady()) {
        fail(503,
             QStringLiteral("not ready: Redis at %1 is unavailable (%2); the event was not "
                            "accepted, retry later")
                 .arg(address(), m_commands->lastError()));
        return;
    }
    QList<QByteArray> args {QByteArrayLiteral("EVALSHA"),
                            sha,
                            QByteArrayLiteral("2"),
                            m_streamKey,
                            m_streamKey + ":bytes",
                            QByteArray::number(qMax<qsizetype>(m_options.historySize, 1)),
                            request.topic,
                            request.type,
                            request.payloadJson,
                            m_channelPrefix + request.topic,
                            QByteArray::number(m_options.historyBytes),
                            QByteArray::number(m_entryBaseCost)};
    auto handle = [this, fail, done, args](const RedisReply &reply, auto &&self) -> void {
        if (reply.isError() && reply.string.startsWith("NOSCRIPT")) {
            // Redis restarted (or flushed its scripts): send the script itself once.
            QList<QByteArray> withBody = args;
            withBody[0] = QByteArrayLiteral("EVAL");
            withBody[1] = PublishScript;
            if (!m_commands->command(withBody, [self](const RedisReply &r) { self(r, self); }))
                fail(503,
                     QStringLiteral("Redis at %1 became unavailable; the event was not "
                                    "accepted")
                         .arg(address()));
            return;
        }
        if (reply.isError() || reply.type != RedisReply::Type::Array
            || reply.elements.size() != 2) {
            // A lost connection may have lost the command or its answer: the publisher cannot
            // be told it succeeded.
            fail(503,
                 QStringLiteral("Redis at %1 did not confirm the event: %2")
                     .arg(address(), QString::fromUtf8(reply.string)));
            return;
        }
        PublishResult result;
        if (!packStreamId(reply.elements.at(0).string, &result.id)) {
            fail(500,
                 QStringLiteral("Redis returned an unusable id '%1'")
                     .arg(QString::fromUtf8(reply.elements.at(0).string)));
            return;
        }
        result.ok = true;
        result.delivered = int(reply.elements.at(1).integer);
        done(result);
    };
    auto first = [handle](const RedisReply &reply) { handle(reply, handle); };
    if (!m_commands->command(args, first))
        fail(503,
             QStringLiteral("Redis at %1 is unavailable; the event was not accepted")
                 .arg(address()));
}

// --- Reading the Stream -----------------------------------------------------------------------

void RedisBroker::readStream(std::optional<quint64> after, int count, ReadDone done)
{
    static const QByteArray sha = sha1Hex(ReadScript);
    QList<QByteArray> args {QByteArrayLiteral("EVALSHA"),
                            sha,
                            QByteArrayLiteral("1"),
                            m_streamKey,
                            after ? formatEventId(*after) : QByteArray(),
                            QByteArray::number(count)};
    auto handle = [this, done, args](const RedisReply &reply, auto &&self) -> void {
        StreamRead read;
        if (reply.isError() && reply.string.startsWith("NOSCRIPT")) {
            QList<QByteArray> withBody = args;
            withBody[0] = QByteArrayLiteral("EVAL");
            withBody[1] = ReadScript;
            if (!m_commands->command(withBody, [self](const RedisReply &r) { self(r, self); })) {
                read.error = QStringLiteral("Redis unavailable");
                done(read);
            }
            return;
        }
        if (reply.isError() || reply.type != RedisReply::Type::Array
            || reply.elements.size() != 4) {
            read.error = QString::fromUtf8(reply.string);
            done(read);
            return;
        }
        read.ok = true;
        read.exists = !reply.elements.at(0).string.isEmpty();
        read.last = StreamIdFlag;
        read.horizon = StreamIdFlag;
        if (read.exists)
            packStreamId(reply.elements.at(0).string, &read.last);
        quint64 maxDeleted = 0;
        if (packStreamId(reply.elements.at(1).string, &maxDeleted))
            read.horizon = qMax(read.horizon, maxDeleted);
        quint64 first = 0;
        if (packStreamId(reply.elements.at(2).string, &first) && first > StreamIdFlag)
            read.horizon = qMax(read.horizon, first - 1);
        for (const RedisReply &entry : reply.elements.at(3).elements) {
            if (EventPtr event = eventFromEntry(entry))
                read.events.append(event);
        }
        done(read);
    };
    auto first = [handle](const RedisReply &reply) { handle(reply, handle); };
    if (!m_commands->command(args, first)) {
        // Refused at once (the connection is going down while still counted as ready). Never
        // call back from here: callers retry on failure, and a retry refused at once again
        // would recurse until the stack is gone (seen with redis-server frozen by SIGSTOP).
        QTimer::singleShot(RefusedRetryMs, this, [done = std::move(done)] {
            StreamRead read;
            read.error = QStringLiteral("Redis unavailable");
            done(read);
        });
    }
}

// --- Backlogs of resuming streams -------------------------------------------------------------

void RedisBroker::fetchBacklog(bool cursorValid, quint64 cursor, BacklogDone done)
{
    auto request = std::make_shared<BacklogRequest>();
    request->cursorValid = cursorValid;
    request->cursor = cursor;
    request->done = std::move(done);
    // Read only once the stream's filters are subscribed: an event published between a read
    // that ran first and a SUBSCRIBE that took effect later would reach the stream by neither.
    if (!isReady() || !m_subscriber->subscriptionsConfirmed()) {
        m_queuedBacklogs.push_back(request); // served when Redis is back and subscribed
        return;
    }
    runBacklog(request);
}

void RedisBroker::runQueuedBacklogs()
{
    if (!isReady() || !m_subscriber->subscriptionsConfirmed())
        return;
    auto queued = std::move(m_queuedBacklogs);
    m_queuedBacklogs.clear();
    for (auto &request : queued)
        runBacklog(request);
}

void RedisBroker::runBacklog(std::shared_ptr<BacklogRequest> request)
{
    auto events = std::make_shared<EventHistory>(m_options.historySize * 2 + PageSize,
                                                 m_options.historyBytes * 2);
    const std::optional<quint64> after
        = request->cursorValid ? std::optional<quint64>(request->cursor) : std::nullopt;
    readStream(after, PageSize, [this, request, events, after](StreamRead read) {
        if (!read.ok) {
            m_queuedBacklogs.push_back(request); // lost meanwhile: again when Redis is back
            return;
        }
        const bool gap = !after || *after < read.horizon || *after > read.last;
        events->setHorizon(gap ? read.horizon : *after);
        if (gap && after) {
            // Everything retained, from the start of the Stream.
            continueBacklog(request, events, true, std::nullopt);
            return;
        }
        addBacklogPage(request, events, gap, read);
    });
}

void RedisBroker::continueBacklog(std::shared_ptr<BacklogRequest> request,
                                  std::shared_ptr<EventHistory> events, bool gap,
                                  std::optional<quint64> after)
{
    readStream(after, PageSize, [this, request, events, gap](StreamRead read) {
        if (!read.ok) {
            m_queuedBacklogs.push_back(request);
            return;
        }
        addBacklogPage(request, events, gap, read);
    });
}

void RedisBroker::addBacklogPage(std::shared_ptr<BacklogRequest> request,
                                 std::shared_ptr<EventHistory> events, bool gap,
                                 const StreamRead &read)
{
    for (const EventPtr &event : read.events) {
        if (events->isEmpty() || event->id > events->newest()->id)
            events->append(event);
    }
    if (read.events.size() == PageSize) {
        continueBacklog(request, events, gap, read.events.last()->id); // a full page: more
        return;
    }
    Backlog backlog;
    backlog.events = std::make_unique<EventHistory>(std::move(*events));
    backlog.gap = gap;
    request->done(std::move(backlog));
}

// --- Live events ------------------------------------------------------------------------------

QByteArray RedisBroker::channelFor(const QByteArray &filter, bool *pattern) const
{
    const TopicFilter parsed = TopicFilter::parse(filter);
    *pattern = parsed.hasWildcard();
    if (!*pattern)
        return m_channelPrefix + filter;
    // '+' becomes '*' (which also crosses levels) and a trailing '#' becomes '*' after its
    // parent (which also matches longer names): a superset, narrowed by the hub's matching.
    QByteArray glob = globLiteral(m_channelPrefix);
    const QList<QByteArray> &levels = parsed.levels();
    for (qsizetype i = 0; i < levels.size(); ++i) {
        const QByteArray &level = levels.at(i);
        if (level == "#") {
            if (i > 0)
                glob.chop(1); // the '/' before it: "a/#" matches "a" too
            glob += '*';
            break;
        }
        glob += level == "+" ? QByteArray("*") : globLiteral(level);
        if (i + 1 < levels.size())
            glob += '/';
    }
    return glob;
}

void RedisBroker::watch(const QByteArray &filter)
{
    bool pattern = false;
    const QByteArray name = channelFor(filter, &pattern);
    if (m_subscribed[name]++ > 0)
        return;
    auto handler = [this](const QByteArray &channel, const QByteArray &message) {
        onMessage(channel, message);
    };
    if (pattern)
        m_subscriber->psubscribe(name, handler);
    else
        m_subscriber->subscribe(name, handler);
}

void RedisBroker::unwatch(const QByteArray &filter)
{
    bool pattern = false;
    const QByteArray name = channelFor(filter, &pattern);
    auto it = m_subscribed.find(name);
    if (it == m_subscribed.end() || --*it > 0)
        return;
    m_subscribed.erase(it);
    if (pattern)
        m_subscriber->punsubscribe(name);
    else
        m_subscriber->unsubscribe(name);
}

void RedisBroker::onMessage(const QByteArray &channel, const QByteArray &message)
{
    if (!channel.startsWith(m_channelPrefix))
        return;
    // "<id>\n<type>\n<payload>"
    const qsizetype first = message.indexOf('\n');
    const qsizetype second = first < 0 ? -1 : message.indexOf('\n', first + 1);
    quint64 id = 0;
    if (second < 0 || !packStreamId(QByteArrayView(message).first(first), &id)) {
        qCWarning(lcRedis).noquote()
            << "ignored a malformed message on" << channel
            << "- something other than ssehub publishes on this prefix; give this cluster its "
               "own --redis-prefix";
        return;
    }
    if (id <= m_lastSeen && !m_syncing)
        return; // already delivered (a topic matched by a channel and a pattern arrives twice)
    const QByteArray topic = channel.mid(m_channelPrefix.size());
    const EventPtr event
        = makeEvent(id, topic, message.mid(first + 1, second - first - 1), message.mid(second + 1),
                    qint64((id & ~StreamIdFlag) >> StreamIdSeqBits));
    if (m_syncing) {
        if (m_buffer.size() >= MaxBuffered) {
            m_buffer.clear(); // the sync reads further pages from the Stream instead
            m_bufferOverflowed = true;
        }
        if (m_buffer.empty() || id > m_buffer.back()->id)
            m_buffer.push_back(event);
        return;
    }
    accept(event);
}

void RedisBroker::accept(const EventPtr &event)
{
    if (event->id <= m_lastSeen)
        return;
    m_lastSeen = event->id;
    m_history.append(event);
    dispatch(event);
}

// --- Staying in step with the Stream ----------------------------------------------------------

void RedisBroker::onConnectionLost()
{
    // Messages published while a connection is down never arrive: read them from the Stream
    // when both connections are back.
    m_syncing = true;
}

void RedisBroker::maybeSync()
{
    if (!m_syncing || m_syncInFlight || !isReady() || !m_subscriber->subscriptionsConfirmed())
        return;
    m_syncInFlight = true;
    m_bufferOverflowed = false;
    if (!m_everSynced) {
        // The first sync: live from the Stream's newest id on.
        readStream(std::nullopt, 0, [this](StreamRead read) {
            m_syncInFlight = false;
            if (!read.ok) {
                maybeSync();
                return;
            }
            m_everSynced = true;
            m_lastSeen = read.last;
            m_history.setHorizon(read.last);
            finishSync();
        });
        return;
    }
    readStream(m_lastSeen, PageSize, [this](StreamRead read) {
        if (syncReadFailed(read))
            return;
        if (m_lastSeen < read.horizon || m_lastSeen > read.last) {
            // The Stream no longer holds what this instance had seen.
            qCWarning(lcRedis).noquote()
                << "the Redis Stream" << m_streamKey << "no longer holds event"
                << formatEventId(m_lastSeen)
                << "(Redis restarted without persistence, was flushed, or trimmed past it);"
                   " live streams get a reset event - enable appendonly in Redis to keep "
                   "history across restarts";
            const quint64 resume = read.horizon;
            m_history = EventHistory(m_options.historySize, m_options.historyBytes);
            m_history.setHorizon(resume);
            m_lastSeen = resume;
            ++m_resets;
            Q_EMIT historyLost(resume);
            syncPage(resume);
            return;
        }
        addSyncPage(read);
    });
}

bool RedisBroker::syncReadFailed(const StreamRead &read)
{
    if (read.ok)
        return false;
    m_syncInFlight = false;
    maybeSync(); // lost again: starts over when both connections are back
    return true;
}

void RedisBroker::addSyncPage(const StreamRead &read)
{
    for (const EventPtr &event : read.events)
        accept(event);
    // A short page is the end, unless live events were dropped meanwhile (read on instead).
    if (read.events.size() < PageSize && !m_bufferOverflowed)
        finishSync();
    else
        syncPage(m_lastSeen);
}

void RedisBroker::syncPage(quint64 after)
{
    m_bufferOverflowed = false;
    readStream(after, PageSize, [this](StreamRead read) {
        if (!syncReadFailed(read))
            addSyncPage(read);
    });
}

void RedisBroker::finishSync()
{
    m_syncInFlight = false;
    if (!isReady() || !m_subscriber->subscriptionsConfirmed()) {
        maybeSync(); // lost again meanwhile: m_syncing stays set and the next ready resumes
        return;
    }
    m_syncing = false;
    std::deque<EventPtr> buffered;
    buffered.swap(m_buffer);
    for (const EventPtr &event : buffered)
        accept(event);
    Q_EMIT synced();
}

} // namespace ssehub
