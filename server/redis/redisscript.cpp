#include "redis/redisscript.h"

#include <QCryptographicHash>

namespace ssehub {

RedisScript::RedisScript(const QByteArray &body)
    : m_body(body)
    , m_sha(QCryptographicHash::hash(body, QCryptographicHash::Sha1).toHex())
{
}

bool RedisScript::run(RedisConnection *redis, const QList<QByteArray> &keys,
                      const QList<QByteArray> &args, RedisConnection::Callback done,
                      std::function<void()> refused) const
{
    QList<QByteArray> argv {QByteArrayLiteral("EVALSHA"), m_sha, QByteArray::number(keys.size())};
    argv << keys << args;
    auto first = [redis, body = m_body, argv, done, refused](const RedisReply &reply) {
        if (reply.isError() && reply.string.startsWith("NOSCRIPT")) {
            // Redis restarted (or flushed its scripts): send the script itself once.
            QList<QByteArray> withBody = argv;
            withBody[0] = QByteArrayLiteral("EVAL");
            withBody[1] = body;
            if (!redis->command(withBody, done))
                refused();
            return;
        }
        done(reply);
    };
    return redis->command(argv, first);
}

namespace {

// What an entry counts for in the Stream's byte count (as EventHistory::costOf counts the event
// in memory: the fixed cost, topic x3, type x5, payload x4). Shared by the scripts that trim.
const QByteArray entryCost = QByteArrayLiteral(R"lua(
local function entryCost(fields, base)
  local cost = base
  for f = 1, #fields - 1, 2 do
    local name, value = fields[f], fields[f + 1]
    if name == 't' then cost = cost + 3 * #value
    elseif name == 'y' then cost = cost + 5 * #value
    else cost = cost + 4 * #value end
  end
  return cost
end
)lua");

// The ticks' common start: the marker key's value (set to ARGV[2] when there is none) in
// `epoch`, and the Stream's last generated id ('' when none) in `last`. KEYS: stream, marker key.
const QByteArray epochAndLast = QByteArrayLiteral(R"lua(
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
)lua");

} // namespace

namespace {

// The publish scripts around `each`, which appends one event (topic, kind and payload from
// ARGV[i..i + 2], its channel ARGV[i + 3]) and puts its id and receivers in `out`; the events'
// arguments start at ARGV[first].
QByteArray publishBody(const char *first, const QByteArray &each)
{
    return entryCost + QByteArrayLiteral(R"lua(
local maxlen, maxbytes, base = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local minms = tonumber(ARGV[4])
local before = redis.call('XLEN', KEYS[1])
local out, added, count = {}, 0, 0
for i = )lua")
        + first + QByteArrayLiteral(R"lua(, #ARGV - 3, 4 do
  local topic, kind, payload = ARGV[i], ARGV[i + 1], ARGV[i + 2]
)lua") + each
        + QByteArrayLiteral(R"lua(  added = added + base + 3 * #topic + 5 * #kind + 4 * #payload
  count = count + 1
end
if count == 0 then return out end
local len = before + count
local fresh = before == 0
local bytes = added
if not fresh then bytes = redis.call('INCRBY', KEYS[2], added) end
local aged = 0
local function old(id)
  return minms > 0 and aged < 1024 and tonumber(string.match(id, '^(%d+)')) < minms
end
local from, cut, want = '-', nil, math.max(len - maxlen, 1)
local more = len > 1 and (len > maxlen or bytes > maxbytes or minms > 0)
while more do
  local batch = redis.call('XRANGE', KEYS[1], from, '+', 'COUNT', math.min(want, 256))
  more = #batch > 0
  for _, entry in ipairs(batch) do
    if len <= 1 then
      more = false
      break
    end
    if len <= maxlen and bytes <= maxbytes then
      if not old(entry[1]) then
        more = false
        break
      end
      aged = aged + 1
    end
    bytes = bytes - entryCost(entry[2], base)
    len = len - 1
    cut = entry[1]
  end
  if more then
    from = '(' .. cut
    want = want * 2
  end
end
if cut then
  local ms, seq = string.match(cut, '^(%d+)-(%d+)$')
  redis.call('XTRIM', KEYS[1], 'MINID', ms .. '-' .. (tonumber(seq) + 1))
end
if fresh or cut then redis.call('SET', KEYS[2], bytes) end
return out
)lua");
}

} // namespace

// Appends events to the Stream and publishes each to the instances, in order: one event (a
// single publish) or a batch, in one call. KEYS: stream, its byte count. ARGV: max length, max
// bytes, the fixed cost of an entry, the age bound (ms since the epoch: entries older go; 0:
// none), then topic, type, payload, channel of each event. Returns {id, receivers} of each
// event in order, flat.
// The Stream keeps at most `max length` entries and `max bytes`, an entry counted as an instance
// counts the event in memory (entryCost), so that what the Stream holds fits an instance's
// history and backlogs. The newest entry always stays. The oldest entries are trimmed exactly
// (XTRIM MINID), once per call, and their cost taken off the count, which starts afresh whenever
// the Stream was empty. Entries older than the age bound go too, at most 1,024 per call (the
// instances' periodic trim, expireScript, takes the rest).
const RedisScript &publishScript()
{
    static const RedisScript script(publishBody("5", QByteArrayLiteral(R"lua(
  local id = redis.call('XADD', KEYS[1], '*', 't', topic, 'y', kind, 'p', payload)
  out[#out + 1] = id
  out[#out + 1] = redis.call('PUBLISH', ARGV[i + 3], id .. '\n' .. kind .. '\n' .. payload)
)lua")));
    return script;
}

// The Redis Cluster variant (ShardedBroker): KEYS and ARGV as above, with the partition's
// channel for wildcard filters as ARGV[5] before the events. Each event is SPUBLISHed on its
// topic's channel and on the partition's, as "<id>\n<topic>\n<type>\n<payload>"; receivers
// counts both. An entry's sequence number stays below 8192 (ids keep 8 bits for the partition):
// the 8191st entry of a millisecond moves the Stream's last id to that millisecond's end, so
// that the next one takes the next millisecond.
const RedisScript &shardedPublishScript()
{
    static const RedisScript script(publishBody("6", QByteArrayLiteral(R"lua(
  local id = redis.call('XADD', KEYS[1], '*', 't', topic, 'y', kind, 'p', payload)
  local ms, seq = string.match(id, '^(%d+)-(%d+)$')
  if tonumber(seq) >= 8191 then
    redis.call('XSETID', KEYS[1], ms .. '-18446744073709551615')
  end
  local message = id .. '\n' .. topic .. '\n' .. kind .. '\n' .. payload
  out[#out + 1] = id
  out[#out + 1] = redis.call('SPUBLISH', ARGV[i + 3], message)
    + redis.call('SPUBLISH', ARGV[5], message)
)lua")));
    return script;
}

// Trims the entries older than an age bound, at most a given count per call, and takes their
// cost off the byte count (0 once the Stream is empty). KEYS: stream, its byte count. ARGV: the
// age bound (ms since the epoch), the fixed cost of an entry, the most entries to trim. Returns
// the entries trimmed (the count given: call again).
const RedisScript &expireScript()
{
    static const RedisScript script(entryCost + QByteArrayLiteral(R"lua(
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local base = tonumber(ARGV[2])
local batch = redis.call('XRANGE', KEYS[1], '-', '(' .. ARGV[1] .. '-0', 'COUNT', ARGV[3])
if #batch == 0 then return 0 end
local cost = 0
for _, entry in ipairs(batch) do cost = cost + entryCost(entry[2], base) end
local ms, seq = string.match(batch[#batch][1], '^(%d+)-(%d+)$')
redis.call('XTRIM', KEYS[1], 'MINID', ms .. '-' .. (tonumber(seq) + 1))
if redis.call('XLEN', KEYS[1]) == 0 then
  redis.call('SET', KEYS[2], 0)
elseif redis.call('DECRBY', KEYS[2], cost) < 0 then
  redis.call('SET', KEYS[2], 0)
end
return #batch
)lua"));
    return script;
}

// What GET /history tells of the Stream. KEYS: stream, its byte count. Returns {length, first
// entry id, last entry id, last generated id, max deleted id, first recorded id, byte count}
// ('' and 0 for what there is not).
const RedisScript &historyInfoScript()
{
    static const RedisScript script(QByteArrayLiteral(R"lua(
if redis.call('EXISTS', KEYS[1]) == 0 then return {0, '', '', '', '', '', 0} end
local info = redis.call('XINFO', 'STREAM', KEYS[1])
local len, firstid, lastid, last, maxdel, first = 0, '', '', '', '', ''
for i = 1, #info, 2 do
  local k, v = info[i], info[i + 1]
  if k == 'length' then len = v
  elseif k == 'first-entry' and v then firstid = v[1]
  elseif k == 'last-entry' and v then lastid = v[1]
  elseif k == 'last-generated-id' then last = v
  elseif k == 'max-deleted-entry-id' then maxdel = v
  elseif k == 'recorded-first-entry-id' then first = v end
end
local bytes = 0
if len > 0 then bytes = tonumber(redis.call('GET', KEYS[2]) or '0') or 0 end
return {len, firstid, lastid, last, maxdel, first, bytes}
)lua"));
    return script;
}

// KEYS: stream. ARGV: cursor ('' for the start), count, an id to look for ('' none).
// Returns {last generated id, max deleted id, first retained id, entries after the cursor, the
// newest entry id at or before the id looked for ('' none)}: when that is not the id itself and
// the id is after the horizon, the Stream lost it (a failover to a replica that never had it).
// Trimming (MAXLEN) advances the first retained id; XDEL advances the max deleted id; a Stream
// that Redis lost and that was created again starts with a new first id. Ids before the first
// retained one are therefore gone (or never were in this Stream): a cursor there is a gap. A
// Stream trimmed empty (--history-ttl) has no first id: every id up to the last is gone, and the
// max deleted id says so.
const RedisScript &readScript()
{
    static const RedisScript script(QByteArrayLiteral(R"lua(
if redis.call('EXISTS', KEYS[1]) == 0 then return {'', '', '', {}, ''} end
local info = redis.call('XINFO', 'STREAM', KEYS[1])
local last, maxdel, first = '', '', ''
for i = 1, #info, 2 do
  local k = info[i]
  if k == 'last-generated-id' then last = info[i + 1]
  elseif k == 'max-deleted-entry-id' then maxdel = info[i + 1]
  elseif k == 'recorded-first-entry-id' then first = info[i + 1] end
end
if redis.call('XLEN', KEYS[1]) == 0 then maxdel = last end
local from = '-'
if ARGV[1] ~= '' then from = '(' .. ARGV[1] end
local entries = {}
if tonumber(ARGV[2]) > 0 then entries = redis.call('XRANGE', KEYS[1], from, '+', 'COUNT', ARGV[2]) end
local floor = ''
if ARGV[3] and ARGV[3] ~= '' then
  local found = redis.call('XREVRANGE', KEYS[1], ARGV[3], '-', 'COUNT', 1)
  if #found > 0 then floor = found[1][1] end
end
return {last, maxdel, first, entries, floor}
)lua"));
    return script;
}

// KEYS: stream, marker key. ARGV: this instance's marker channel, a new marker value (set when
// there is none). Returns {marker value, the Stream's last generated id ('' when none)} and
// PUBLISHes "<marker value> <last id>" on the channel: once that message arrives on the
// subscriber connection, everything published before it on the instance's channels has too.
const RedisScript &tickScript()
{
    static const RedisScript script(epochAndLast + QByteArrayLiteral(R"lua(
redis.call('PUBLISH', ARGV[1], epoch .. ' ' .. last)
return {epoch, last}
)lua"));
    return script;
}

} // namespace ssehub

namespace ssehub {

// The Redis Cluster tick (ShardedBroker), on a partition's shard. KEYS: the partition's Stream,
// its marker key. ARGV: this instance's marker channel of the partition, a new marker value.
// SPUBLISHes "<marker value> <ms> <last id>": the shard's clock less one millisecond (every
// entry the Stream gets later has a later id) and the Stream's last generated id ('' none).
// Returns the marker value.
const RedisScript &shardedTickScript()
{
    static const RedisScript script(epochAndLast + QByteArrayLiteral(R"lua(
local now = redis.call('TIME')
local ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) - 1
redis.call('SPUBLISH', ARGV[1], epoch .. ' ' .. string.format('%d', ms) .. ' ' .. last)
return epoch
)lua"));
    return script;
}

// The Redis Cluster coverage ask (ShardedBroker), on one shard, no keys. ARGV: marker channels
// of partitions this shard serves. SPUBLISHes "~ <ms>" on each (the shard's clock less one
// millisecond: every entry its Streams get later has a later id); a channel whose slot moved
// away is skipped. Returns that ms.
const RedisScript &coverScript()
{
    static const RedisScript script(QByteArrayLiteral(R"lua(
local now = redis.call('TIME')
local ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) - 1
local message = '~ ' .. string.format('%d', ms)
for i = 1, #ARGV do redis.pcall('SPUBLISH', ARGV[i], message) end
return ms
)lua"));
    return script;
}

EventPtr eventFromStreamFields(quint64 id, const QList<RedisReply> &fields)
{
    QByteArray topic, type, payload;
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
    return makeEvent(id, topic, type, payload, qint64((id & ~StreamIdFlag) >> StreamIdSeqBits));
}

} // namespace ssehub
