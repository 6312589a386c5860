// The console feed's position and encoder (the engine's side); the decoder is in
// consolefeeddecoder.cpp, the JSON of the values in consolefeedjson.cpp.
#include "consolefeed.h"

#include "consolefeedjson_p.h"

#include <QJsonDocument>

namespace ssehub {

using namespace feedjson;

namespace {

// queue crossing a colour band of the console (a quarter, three quarters of the limit).
bool urgent(const StreamRow &told, const StreamRow &now, qint64 maxQueue)
{
    if (told.state != now.state || told.pausedFilters != now.pausedFilters
        || told.filters != now.filters)
        return true;
    const auto band = [maxQueue](qint64 queued) {
        if (maxQueue <= 0 || queued <= 0)
            return 0;
        return queued * 4 >= maxQueue * 3 ? 2 : queued * 4 >= maxQueue ? 1 : 0;
    };
    return band(told.bytesQueued) != band(now.bytesQueued);
}

bool sameFilter(const FilterRow &a, const FilterRow &b)
{
    return a.active == b.active && a.paused == b.paused && a.streams == b.streams;
}

// The size of an update in the feed, near enough for the budget: brackets, commas, the state
// and the numbers' digits.
qsizetype updateCost(const StreamRow &r, bool withFilters)
{
    const auto digits = [](quint64 n) {
        qsizetype d = 1;
        while (n >= 10) {
            n /= 10;
            ++d;
        }
        return d;
    };
    return 24 + digits(r.id) + digits(r.eventsSent) + digits(r.bytesSent)
        + digits(quint64(qMax<qint64>(0, r.bytesQueued)))
        + digits(quint64(qMax<qint64>(0, r.lastProgressMs)))
        + (withFilters ? r.filters.size() + 2 : 4);
}

} // namespace

QByteArray FeedPosition::toId() const
{
    if (epoch.isEmpty())
        return {};
    return epoch + '-' + QByteArray::number(seq);
}

bool FeedPosition::fromId(const QByteArray &id, FeedPosition *out)
{
    const qsizetype dash = id.lastIndexOf('-');
    if (dash <= 0 || dash > 64)
        return false;
    bool ok = false;
    const quint64 seq = id.mid(dash + 1).toULongLong(&ok);
    if (!ok)
        return false;
    *out = FeedPosition {id.left(dash), seq};
    return true;
}

// --- Encoder --------------------------------------------------------------------------------

FeedEncoder::FeedEncoder(const QByteArray &epoch)
    : FeedEncoder(epoch, Options())
{
}

FeedEncoder::FeedEncoder(const QByteArray &epoch, const Options &options)
    : m_options(options)
    , m_epoch(epoch)
{
}

QByteArray FeedEncoder::advance(const ConsoleSnapshot &s)
{
    ++m_seq;
    QJsonObject delta;
    delta.insert(key("seq"), qint64(m_seq));
    delta.insert(key("figures"), figuresJson(s));

    // Streams: s.connections and m_streams are both sorted by id.
    QJsonArray added;
    QJsonArray removed;
    QJsonArray updated;
    const qint64 elapsedMs
        = m_lastWallMs ? qBound(qint64(250), s.wallMs - m_lastWallMs, qint64(2000)) : qint64(250);
    m_lastWallMs = s.wallMs;
    qsizetype budget = qsizetype(qint64(m_options.updateBytesPerSecond) * elapsedMs / 1000);
    {
        auto told = m_streams.begin();
        for (const StreamRow &row : s.connections) {
            while (told != m_streams.end() && told->first < row.id) {
                removed.append(qint64(told->first));
                told = m_streams.erase(told);
            }
            if (told == m_streams.end() || told->first != row.id) {
                added.append(streamJson(row));
                m_streams.emplace_hint(told, row.id, StreamState {row, row, false});
                continue;
            }
            StreamState &state = told->second;
            if (urgent(state.row, row, s.maxQueueBytes)) {
                const bool withFilters = state.row.filters != row.filters;
                updated.append(streamUpdate(row, withFilters));
                budget -= updateCost(row, withFilters);
                state = StreamState {row, row, false};
            } else if (!state.row.sameFigures(row)) {
                state.latest = row;
                state.dirty = true;
            }
            ++told;
        }
        while (told != m_streams.end()) {
            removed.append(qint64(told->first));
            told = m_streams.erase(told);
        }
    }
    // Counters that only moved: round robin from where the last budget ran out.
    if (!m_streams.empty()) {
        auto it = m_streams.lower_bound(m_streamCursor);
        for (size_t n = 0; n < m_streams.size() && budget > 0; ++n, ++it) {
            if (it == m_streams.end())
                it = m_streams.begin();
            StreamState &state = it->second;
            if (!state.dirty)
                continue;
            updated.append(streamUpdate(state.latest, false));
            budget -= updateCost(state.latest, false);
            state.row = state.latest;
            state.dirty = false;
        }
        m_streamCursor = it == m_streams.end() ? 0 : it->first;
    }

    // Filters: every change (they move when subscriptions do, not with traffic).
    QJsonArray filtersSet;
    QJsonArray filtersGone;
    {
        std::map<QByteArray, FilterRow> next;
        for (const FilterRow &f : s.filters) {
            auto old = m_filters.find(f.filter);
            if (old == m_filters.end() || !sameFilter(old->second, f))
                filtersSet.append(filterJson(f));
            next.emplace(f.filter, f);
        }
        for (const auto &[filter, row] : m_filters) {
            if (!next.count(filter))
                filtersGone.append(bytes(filter));
        }
        m_filters = std::move(next);
    }

    // Topics: new and gone at once, figures within what is left of the budget.
    QJsonArray topicsSet;
    QJsonArray topicsGone;
    {
        auto told = m_topics.begin();
        for (const TopicRow &row : s.topics) {
            while (told != m_topics.end() && told->first < row.topic) {
                topicsGone.append(bytes(told->first));
                told = m_topics.erase(told);
            }
            if (told == m_topics.end() || told->first != row.topic) {
                topicsSet.append(topicJson(row));
                budget -= 64 + row.topic.size() + row.preview.size();
                m_topics.emplace_hint(told, row.topic, TopicState {row, false, {}});
                continue;
            }
            if (told->second.row.events != row.events
                || told->second.row.subscribers != row.subscribers
                || told->second.row.streams != row.streams) {
                told->second.pending = row;
                told->second.dirty = true;
            }
            ++told;
        }
        while (told != m_topics.end()) {
            topicsGone.append(bytes(told->first));
            told = m_topics.erase(told);
        }
        if (!m_topics.empty()) {
            auto it = m_topics.lower_bound(m_topicCursor);
            for (size_t n = 0; n < m_topics.size() && budget > 0; ++n, ++it) {
                if (it == m_topics.end())
                    it = m_topics.begin();
                TopicState &state = it->second;
                if (!state.dirty)
                    continue;
                topicsSet.append(topicJson(state.pending));
                budget -= 64 + state.pending.topic.size() + state.pending.preview.size();
                state.row = state.pending;
                state.dirty = false;
            }
            m_topicCursor = it == m_topics.end() ? QByteArray() : it->first;
        }
    }

    // Log: every entry not told yet (a console that attaches again is sent the kept log again).
    QJsonArray log;
    for (const LogEntry &entry : s.log) {
        if (entry.seq != 0 && entry.seq <= m_lastLogSeq)
            continue;
        m_lastLogSeq = qMax(m_lastLogSeq, entry.seq);
        log.append(logJson(entry));
        m_log.push_back(entry);
        m_logBytes += entry.bytes();
        while (!m_log.empty()
               && (qsizetype(m_log.size()) > m_options.snapshotLogEntries
                   || m_logBytes > m_options.snapshotLogBytes)) {
            m_logBytes -= m_log.front().bytes();
            m_log.pop_front();
        }
    }

    m_toldFigures = delta.value(key("figures")).toObject();

    if (!added.isEmpty())
        delta.insert(key("added"), added);
    if (!removed.isEmpty())
        delta.insert(key("removed"), removed);
    if (!updated.isEmpty())
        delta.insert(key("updated"), updated);
    if (!filtersSet.isEmpty() || !filtersGone.isEmpty())
        delta.insert(key("filters"),
                     QJsonObject {{key("set"), filtersSet}, {key("removed"), filtersGone}});
    if (!topicsSet.isEmpty() || !topicsGone.isEmpty())
        delta.insert(key("topics"),
                     QJsonObject {{key("set"), topicsSet}, {key("removed"), topicsGone}});
    if (!log.isEmpty())
        delta.insert(key("log"), log);
    m_full.clear();
    return QJsonDocument(delta).toJson(QJsonDocument::Compact);
}

QByteArray FeedEncoder::fullSnapshot()
{
    if (!m_full.isEmpty() && m_fullSeq == m_seq)
        return m_full;
    QJsonObject o;
    o.insert(key("epoch"), QString::fromLatin1(m_epoch));
    o.insert(key("seq"), qint64(m_seq));
    o.insert(key("figures"), m_toldFigures);
    QJsonArray streams;
    for (const auto &[id, state] : m_streams)
        streams.append(streamJson(state.row));
    o.insert(key("streams"), streams);
    QJsonArray filters;
    for (const auto &[filter, row] : m_filters)
        filters.append(filterJson(row));
    o.insert(key("filters"), filters);
    QJsonArray topics;
    for (const auto &[topic, state] : m_topics)
        topics.append(topicJson(state.row));
    o.insert(key("topics"), topics);
    QJsonArray log;
    for (const LogEntry &entry : m_log)
        log.append(logJson(entry));
    o.insert(key("log"), log);
    o.insert(key("log_seq"), qint64(m_lastLogSeq));
    m_full = QJsonDocument(o).toJson(QJsonDocument::Compact);
    m_fullSeq = m_seq;
    return m_full;
}

} // namespace ssehub
