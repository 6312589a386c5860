#include "redis/redisbroker.h"

#include "core/clock.h"
#include "core/logcategories.h"
#include "proto/topicfilter.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QRandomGenerator>
#include <QTimer>
#include <QUrl>

#include <limits>

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

// KEYS: stream, marker key. ARGV: this instance's marker channel, a new marker value (set when
// there is none). Returns {marker value, the Stream's last generated id ('' when none)} and
// PUBLISHes "<marker value> <last id>" on the channel: once that message arrives on the
// subscriber connection, everything published before it on the instance's channels has too.
const QByteArray TickScript = QByteArrayLiteral(R"lua(
local epoch = redis.call('GET', KEYS[2])
if not epoch then
  epoch = ARGV[2]
  redis.call('SET', KEYS[2], epoch)
end
local last = ''
if redis.call('EXISTS', KEYS[1]) == 1 then
  local info = redis.call('XINFO', 'STREAM', KEYS[1])
  for i = 1, #info, 2 do
    if info[i] == 'last-generated-id' then last = info[i + 1] end
  end
end
redis.call('PUBLISH', ARGV[1], epoch .. ' ' .. last)
return {epoch, last}
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

int tickInterval(const RedisBroker::Options &options)
{
    return options.tickMs > 0 ? options.tickMs
                              : qBound(50, options.redis.commandTimeoutMs / 20, 250);
}

RedisConnection::Options commandOptions(const RedisBroker::Options &options)
{
    RedisConnection::Options redis = options.redis;
    redis.keepAliveMs = tickInterval(options); // the ticks keep it busy; a PING if one is late
    return redis;
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
    , m_commands(new RedisConnection(commandOptions(options), this))
    , m_subscriber(new RedisConnection(options.redis, this))
    , m_history(options.historySize, options.historyBytes)
    , m_streamKey(options.prefix + "events")
    , m_channelPrefix(options.prefix + "ev:")
    , m_epochKey(options.prefix + "epoch")
{
    const QByteArray token = QByteArray::number(QRandomGenerator::system()->generate64(), 16);
    m_markerChannel = options.prefix + "mark:" + token;
    m_tickTimer.setInterval(tickInterval(options));
    connect(&m_tickTimer, &QTimer::timeout, this, &RedisBroker::tick);
    m_subscriber->subscribe(m_markerChannel, [this](const QByteArray &, const QByteArray &message) {
        onMarker(message);
    });
    m_history.setHorizon(StreamIdFlag);
    // What an event costs beyond its topic, type and payload (ids and timestamps of today's
    // length, the envelope's keys, the frames' lines, the objects).
    m_entryBaseCost = EventHistory::costOf(
        *makeEvent(StreamIdFlag | (quint64(1'700'000'000'000) << StreamIdSeqBits), {}, {}, {},
                   1'700'000'000'000));
    connect(m_commands, &RedisConnection::ready, this, [this] {
        // The marker key is checked first on every (re)connection: its answer comes before
        // any other component's (ClusterState loads the shared state after this).
        m_tickInFlight = false;
        tick();
        setReady(true);
        runQueuedBacklogs();
        maybeSync();
    });
    connect(m_commands, &RedisConnection::disconnected, this, [this] {
        m_outage = true; // a failed first connection counts too (not the first connect itself)
        setReady(false);
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
    if (!m_wasReady && !m_downSinceMs) {
        m_downSinceMs = Clock::wallMs(); // until the first connection
        m_refusedAtDown = m_refused;
    }
    m_commands->start();
    m_subscriber->start();
    m_tickTimer.start();
}

void RedisBroker::setReady(bool ready)
{
    if (ready == m_wasReady)
        return;
    m_wasReady = ready;
    const qint64 now = Clock::wallMs();
    if (!ready) {
        // Unreachable since its last answer (a tick at most 250 ms before a freeze), not since
        // the command timeout gave up on it.
        m_downSinceMs = m_lastAnswerMs > 0 && m_lastAnswerMs <= now ? m_lastAnswerMs : now;
        m_refusedAtDown = m_refused;
    } else if (m_downSinceMs && std::exchange(m_outage, false)) {
        const qint64 from = std::exchange(m_downSinceMs, 0);
        const quint64 refusedMeanwhile = m_refused - m_refusedAtDown;
        auto time = [](qint64 ms) {
            return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
        };
        const QString text = QStringLiteral("Redis at %1 was unreachable from %2 to %3 (%4 s); "
                                            "%5 publishes refused meanwhile")
                                 .arg(address(), time(from), time(now))
                                 .arg(double(now - from) / 1000.0, 0, 'f', 1)
                                 .arg(refusedMeanwhile);
        qCWarning(lcRedis).noquote() << text;
        Q_EMIT outageEnded(from, now, refusedMeanwhile, text);
    }
    Q_EMIT readyChanged(ready);
}

void RedisBroker::refused()
{
    ++m_refused;
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
    auto fail = [this, done](HubError error, const QString &message) {
        if (error == HubError::Unavailable)
            refused();
        done(HubFailure {error, message});
    };
    if (!isReady()) {
        fail(HubError::Unavailable,
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
                fail(HubError::Unavailable,
                     QStringLiteral("Redis at %1 became unavailable; the event was not "
                                    "accepted")
                         .arg(address()));
            return;
        }
        if (reply.isError() || reply.type != RedisReply::Type::Array
            || reply.elements.size() != 2) {
            // A lost connection may have lost the command or its answer: the publisher cannot
            // be told it succeeded.
            fail(HubError::Unavailable,
                 QStringLiteral("Redis at %1 did not confirm the event: %2")
                     .arg(address(), QString::fromUtf8(reply.string)));
            return;
        }
        Published result;
        if (!packStreamId(reply.elements.at(0).string, &result.id)) {
            fail(HubError::Internal,
                 QStringLiteral("Redis returned an unusable id '%1'")
                     .arg(QString::fromUtf8(reply.elements.at(0).string)));
            return;
        }
        result.delivered = int(reply.elements.at(1).integer);
        done(result);
    };
    auto first = [handle](const RedisReply &reply) { handle(reply, handle); };
    if (!m_commands->command(args, first))
        fail(HubError::Unavailable,
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
    runQueuedLiveStarts();
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
    m_covered = qMax(m_covered, event->id); // in order: every earlier one arrived too
    m_history.append(event);
    dispatch(event);
}

// --- The tick: round trip, marker key, coverage ------------------------------------------------

void RedisBroker::tick()
{
    if (m_tickInFlight || !isReady())
        return;
    static const QByteArray sha = sha1Hex(TickScript);
    // A new value each time: one this instance set before must not be set again after a flush.
    const QByteArray candidate = QByteArray::number(Clock::wallMs()) + '-'
        + QByteArray::number(QRandomGenerator::global()->generate64(), 16);
    QList<QByteArray> args {QByteArrayLiteral("EVALSHA"),
                            sha,
                            QByteArrayLiteral("2"),
                            m_streamKey,
                            m_epochKey,
                            m_markerChannel,
                            candidate};
    auto handle = [this, args](const RedisReply &reply, auto &&self) -> void {
        if (reply.isError() && reply.string.startsWith("NOSCRIPT")) {
            QList<QByteArray> withBody = args;
            withBody[0] = QByteArrayLiteral("EVAL");
            withBody[1] = TickScript;
            if (!m_commands->command(withBody, [self](const RedisReply &r) { self(r, self); }))
                m_tickInFlight = false;
            return;
        }
        m_tickInFlight = false;
        onTickReply(reply);
    };
    m_tickInFlight
        = m_commands->command(args, [handle](const RedisReply &r) { handle(r, handle); });
}

void RedisBroker::onTickReply(const RedisReply &reply)
{
    if (reply.isError() || reply.type != RedisReply::Type::Array || reply.elements.size() != 2)
        return; // a lost connection says so itself
    m_lastAnswerMs = Clock::wallMs();
    const QByteArray epoch = reply.elements.at(0).string;
    if (m_epoch.isEmpty()) {
        m_epoch = epoch; // the first answer: whatever this Redis holds is the data to keep
        return;
    }
    if (epoch == m_epoch)
        return;
    m_epoch = epoch;
    ++m_dataLosses;
    qCWarning(lcRedis).noquote()
        << "Redis at" << address() << "lost its data: the marker key" << m_epochKey
        << "is gone (FLUSHALL, FLUSHDB, or a restart without persistence); writing back the "
           "named clients' subscriptions and this node, live streams get a reset event - enable "
           "appendonly in Redis and do not flush a database that ssehub uses";
    m_epochLost = true;
    Q_EMIT dataLost();
    // Whatever the pub/sub connection says, the Stream must be looked at again.
    if (m_syncInFlight)
        m_resyncWanted = true;
    m_syncing = true;
    maybeSync();
}

void RedisBroker::onMarker(const QByteArray &message)
{
    // "<epoch> <last id>": everything up to that id on this instance's channels has arrived,
    // unless this instance is catching up (the sync decides then) or the data is not the one
    // this instance knows (a flush that the tick reports).
    if (m_syncing || m_epoch.isEmpty())
        return;
    const qsizetype space = message.indexOf(' ');
    if (space < 0 || QByteArrayView(message).first(space) != m_epoch)
        return;
    quint64 id = 0;
    if (packStreamId(QByteArrayView(message).sliced(space + 1), &id))
        m_covered = qMax(m_covered, id);
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
            m_epochLost = false; // nothing seen before: nothing to lose
            m_lastSeen = read.last;
            m_covered = read.last;
            m_history.setHorizon(read.last);
            finishSync();
        });
        return;
    }
    // From where this instance is covered: ids before it either arrived or match none of its
    // filters.
    readStream(m_covered, PageSize, [this](StreamRead read) {
        if (syncReadFailed(read))
            return;
        // Redis lost data: the marker key is gone, or the Stream no longer holds ids this
        // instance saw (its last generated id survives trimming).
        const bool dataLost = std::exchange(m_epochLost, false) || m_covered > read.last;
        // Trimmed past ids after the covered one: what they were is unknown.
        const bool trimmed = !dataLost && m_covered < read.horizon;
        if (dataLost || trimmed) {
            // Resume after the newest id this instance delivered if the Stream holds it (no
            // repeats), else at the Stream's horizon.
            const quint64 resume
                = m_lastSeen >= read.horizon && m_lastSeen <= read.last ? m_lastSeen : read.horizon;
            // Lost data: every live stream's history is gone. Trimmed: streams whose last
            // event is before the horizon may have missed ids in (covered, horizon].
            const quint64 affectedUpTo
                = dataLost ? std::numeric_limits<quint64>::max() : read.horizon - 1;
            qCWarning(lcRedis).noquote()
                << QStringLiteral("the Redis Stream %1 %2 after %3; live streams that may have "
                                  "needed them get a reset event - enable appendonly in Redis, "
                                  "and raise --history if instances lose Redis for long")
                       .arg(QString::fromUtf8(m_streamKey),
                            dataLost ? QStringLiteral("lost events (Redis restarted without "
                                                      "them or was flushed)")
                                     : QStringLiteral("was trimmed past events this instance "
                                                      "had not received (it could not reach "
                                                      "Redis for longer than the history lasts)"),
                            QString::fromUtf8(formatEventId(m_covered)));
            m_history = EventHistory(m_options.historySize, m_options.historyBytes);
            m_history.setHorizon(resume);
            m_lastSeen = resume;
            m_covered = resume;
            ++m_resets;
            Q_EMIT historyLost(resume, affectedUpTo);
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
    if (read.events.size() < PageSize && !m_bufferOverflowed) {
        // Every entry up to the Stream's end was read: covered up to it.
        if (read.last >= m_covered && read.last != StreamIdFlag)
            m_covered = read.last;
        finishSync();
    } else
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
    if (std::exchange(m_resyncWanted, false)) {
        maybeSync(); // the marker key went missing meanwhile: look at the Stream again
        return;
    }
    m_syncing = false;
    std::deque<EventPtr> buffered;
    buffered.swap(m_buffer);
    for (const EventPtr &event : buffered)
        accept(event);
    runQueuedLiveStarts();
    Q_EMIT synced();
}

// --- Where "now" is for a stream that starts while this instance catches up --------------------

void RedisBroker::fetchLiveStart(LiveStartDone done)
{
    if (!m_syncing) {
        done(m_lastSeen); // in step: the newest event this instance has is "now"
        return;
    }
    m_queuedLiveStarts.push_back({Clock::wallMs(), std::move(done)});
    runQueuedLiveStarts();
}

void RedisBroker::runQueuedLiveStarts()
{
    if (m_queuedLiveStarts.empty())
        return;
    // The ids from a stream's opening time on (Stream ids are Redis's milliseconds), or the
    // Stream's end if that is older: what others published after it opened reaches it (sync or
    // live, kept while it waited), what came before not.
    const auto startFor = [](const LiveStartRequest &request, quint64 end) {
        const quint64 opened
            = StreamIdFlag | (quint64(qMax<qint64>(request.openedAtMs, 1)) << StreamIdSeqBits);
        return qMin(end, opened - 1);
    };
    if (!m_syncing) {
        // Caught up meanwhile: the sync has passed the events it must get on to it already.
        auto queued = std::exchange(m_queuedLiveStarts, {});
        for (auto &request : queued)
            request.done(startFor(request, m_lastSeen));
        return;
    }
    if (!isReady() || !m_subscriber->subscriptionsConfirmed())
        return; // again when Redis is back (runQueuedBacklogs) or the sync ends
    auto queued
        = std::make_shared<std::vector<LiveStartRequest>>(std::exchange(m_queuedLiveStarts, {}));
    readStream(std::nullopt, 0, [this, queued, startFor](StreamRead read) {
        if (!read.ok) {
            for (auto &request : *queued)
                m_queuedLiveStarts.push_back(std::move(request));
            return;
        }
        for (auto &request : *queued)
            request.done(startFor(request, read.last));
    });
}

} // namespace ssehub
