// The console feed's decoder (a console's side): rebuilds the engine's ConsoleSnapshot from the
// feed's events.
#include "consolefeed.h"
#include "consolefeedjson_p.h"

#include <QJsonDocument>

namespace ssehub {

using namespace feedjson;

void FeedDecoder::reset()
{
    *this = FeedDecoder();
}

bool FeedDecoder::apply(const QByteArray &type, const QByteArray &data, const QByteArray &id,
                        QString *error)
{
    if (type == "feed") {
        const QJsonObject o = QJsonDocument::fromJson(data).object();
        const QByteArray feed = bytesOf(o.value(key("feed")));
        m_feedId = feed.size() <= 64 ? feed : QByteArray(); // ours are 32 hex digits
        return true;
    }
    if (type != "snapshot" && type != "delta" && type != "tail")
        return true; // a newer server's event: not ours to read
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(data, &parseError);
    if (!doc.isObject()) {
        *error = QStringLiteral("the %1 event is not a JSON object (%2)")
                     .arg(QString::fromLatin1(type), parseError.errorString());
        return false;
    }
    const QJsonObject o = doc.object();
    if (type == "tail") {
        for (const QJsonValue &v : o.value(key("events")).toArray()) {
            if (m_newTail.size() < 10000)
                m_newTail.append(eventRowFromJson(v.toObject()));
            else
                ++m_newTailDropped;
        }
        m_newTailDropped += u64(o.value(key("dropped")));
        m_state.tailFilter = bytesOf(o.value(key("filter")));
        return true;
    }
    FeedPosition position;
    if (!FeedPosition::fromId(id, &position)) {
        *error = QStringLiteral("the %1 event has no valid id").arg(QString::fromLatin1(type));
        return false;
    }
    if (type == "snapshot") {
        if (quint64(o.value(key("seq")).toDouble()) != position.seq) {
            *error = QStringLiteral("the snapshot's id and position differ");
            return false;
        }
        if (position.epoch != m_position.epoch) {
            m_lastLogSeq = 0; // another run of the server: its log starts again
            m_logGap = 0;
        }
        if (!applySnapshot(o, error))
            return false;
    } else {
        if (!m_have || position.epoch != m_position.epoch || position.seq != m_position.seq + 1
            || quint64(o.value(key("seq")).toDouble()) != position.seq) {
            *error = QStringLiteral("a delta that does not follow %1 (got %2)")
                         .arg(QString::fromLatin1(m_position.toId()), QString::fromLatin1(id));
            return false;
        }
        if (!applyDelta(o, error))
            return false;
    }
    m_position = position;
    m_have = true;
    return true;
}

bool FeedDecoder::applySnapshot(const QJsonObject &o, QString *error)
{
    std::map<quint64, StreamRow> streams;
    for (const QJsonValue &v : o.value(key("streams")).toArray()) {
        StreamRow row;
        if (!streamFromJson(v.toObject(), &row)) {
            *error = QStringLiteral("a stream of the snapshot is malformed");
            return false;
        }
        streams.emplace(row.id, std::move(row));
    }
    m_streams = std::move(streams);
    m_filters.clear();
    for (const QJsonValue &v : o.value(key("filters")).toArray()) {
        const QJsonArray a = v.toArray();
        m_filters[bytesOf(a.at(0))]
            = FilterRow {bytesOf(a.at(0)), a.at(1).toInt(), a.at(2).toInt(), a.at(3).toInt()};
    }
    m_topics.clear();
    for (const QJsonValue &v : o.value(key("topics")).toArray()) {
        TopicRow row = topicFromJson(v.toArray());
        m_topics[row.topic] = std::move(row);
    }
    figuresFromJson(o.value(key("figures")).toObject(), &m_state);
    // Entries the console has not seen; a gap when the first of them is beyond the next one.
    const QJsonArray log = o.value(key("log")).toArray();
    if (m_have && !log.isEmpty()) {
        const quint64 first = u64(log.first().toObject().value(key("seq")));
        if (first > m_lastLogSeq + 1)
            m_logGap += first - m_lastLogSeq - 1;
    }
    applyLog(log);
    m_lastLogSeq = qMax(m_lastLogSeq, u64(o.value(key("log_seq"))));
    return true;
}

bool FeedDecoder::applyDelta(const QJsonObject &o, QString *error)
{
    // Checked first, so that a malformed delta changes nothing.
    std::vector<StreamRow> added;
    for (const QJsonValue &v : o.value(key("added")).toArray()) {
        StreamRow row;
        if (!streamFromJson(v.toObject(), &row)) {
            *error = QStringLiteral("an added stream is malformed");
            return false;
        }
        added.push_back(std::move(row));
    }
    const QJsonArray updated = o.value(key("updated")).toArray();
    for (const QJsonValue &v : updated) {
        StreamRow::State state;
        if (v.toArray().size() < 8 || !stateFromName(v.toArray().at(5).toString(), &state)) {
            *error = QStringLiteral("a stream update is malformed");
            return false;
        }
    }
    figuresFromJson(o.value(key("figures")).toObject(), &m_state);
    for (const QJsonValue &v : o.value(key("removed")).toArray())
        m_streams.erase(u64(v));
    for (StreamRow &row : added)
        m_streams[row.id] = std::move(row);
    for (const QJsonValue &v : updated) {
        const QJsonArray a = v.toArray();
        auto it = m_streams.find(u64(a.at(0)));
        if (it == m_streams.end())
            continue;
        StreamRow &row = it->second;
        row.eventsSent = u64(a.at(1));
        row.bytesSent = u64(a.at(2));
        row.bytesQueued = qint64(a.at(3).toDouble());
        row.lastProgressMs = qint64(a.at(4).toDouble());
        stateFromName(a.at(5).toString(), &row.state);
        row.pausedFilters = a.at(6).toInt();
        if (a.at(7).isString())
            row.filters = bytesOf(a.at(7));
    }
    const QJsonObject filters = o.value(key("filters")).toObject();
    for (const QJsonValue &v : filters.value(key("removed")).toArray())
        m_filters.erase(bytesOf(v));
    for (const QJsonValue &v : filters.value(key("set")).toArray()) {
        const QJsonArray a = v.toArray();
        m_filters[bytesOf(a.at(0))]
            = FilterRow {bytesOf(a.at(0)), a.at(1).toInt(), a.at(2).toInt(), a.at(3).toInt()};
    }
    const QJsonObject topics = o.value(key("topics")).toObject();
    for (const QJsonValue &v : topics.value(key("removed")).toArray())
        m_topics.erase(bytesOf(v));
    for (const QJsonValue &v : topics.value(key("set")).toArray()) {
        TopicRow row = topicFromJson(v.toArray());
        m_topics[row.topic] = std::move(row);
    }
    applyLog(o.value(key("log")).toArray());
    return true;
}

void FeedDecoder::applyLog(const QJsonArray &entries)
{
    for (const QJsonValue &v : entries) {
        LogEntry entry;
        if (!logFromJson(v.toObject(), &entry))
            continue;
        if (entry.seq != 0 && entry.seq <= m_lastLogSeq)
            continue; // told before this reconnect
        m_lastLogSeq = qMax(m_lastLogSeq, entry.seq);
        m_newLog.append(std::move(entry));
    }
}

SnapshotPtr FeedDecoder::take()
{
    if (!m_have)
        return {};
    auto s = std::make_shared<ConsoleSnapshot>(m_state);
    s->connections.reserve(m_streams.size());
    for (const auto &[id, row] : m_streams)
        s->connections.push_back(row);
    s->filters.reserve(m_filters.size());
    for (const auto &[filter, row] : m_filters)
        s->filters.push_back(row);
    s->topics.reserve(m_topics.size());
    for (const auto &[topic, row] : m_topics)
        s->topics.push_back(row);
    s->log = std::exchange(m_newLog, {});
    s->tail = std::exchange(m_newTail, {});
    s->tailDropped = std::exchange(m_newTailDropped, 0);
    return s;
}

} // namespace ssehub
