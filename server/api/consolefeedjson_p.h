#pragma once

// The JSON of the console feed's values, shared by its encoder and decoder (consolefeed.cpp,
// consolefeeddecoder.cpp); field names as docs/API.md, "GET /console/feed", lists them.
#include "snapshot.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>

namespace ssehub::feedjson {

QString key(const char *name);
QJsonValue bytes(const QByteArray &b);
QByteArray bytesOf(const QJsonValue &v);
quint64 u64(const QJsonValue &v);
const char *stateName(StreamRow::State state);
bool stateFromName(const QString &name, StreamRow::State *out);
QJsonObject figuresJson(const ConsoleSnapshot &s);
void figuresFromJson(const QJsonObject &o, ConsoleSnapshot *s);
QJsonObject streamJson(const StreamRow &r);
bool streamFromJson(const QJsonObject &o, StreamRow *r);
// [id, events, bytes, queued, progress_ms, state, paused_filters, filters or null]
QJsonArray streamUpdate(const StreamRow &r, bool withFilters);
QJsonArray filterJson(const FilterRow &f);
// [topic, events, last_event_at, last_type, preview, subscribers, streams]
QJsonArray topicJson(const TopicRow &t);
TopicRow topicFromJson(const QJsonArray &a);
QJsonObject logJson(const LogEntry &e);
bool logFromJson(const QJsonObject &o, LogEntry *e);

} // namespace ssehub::feedjson
