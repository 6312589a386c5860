#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

namespace ssehub {

// Limits shared by topics and filters (the protocol's, not a deployment's).
inline constexpr qsizetype MaxTopicBytes = 256;

// Checks a protocol name (topic, filter, event type, client id): 1..maxBytes bytes of valid UTF-8
// with no control characters (and no spaces when rejectSpace). Returns an empty string when
// valid, otherwise what is wrong, starting with `what`.
QString validateText(const QByteArray &text, const char *what, qsizetype maxBytes,
                     bool rejectSpace = false);

// Checks a concrete topic (what is published): UTF-8, levels split by '/', no wildcards, no control
// characters, 1..MaxTopicBytes bytes. Returns an empty string when valid, otherwise what is wrong.
QString validateTopic(const QByteArray &topic);

// An MQTT-style subscription filter: '+' matches exactly one level, '#' (last level only) matches
// the rest including the parent level. A leading wildcard never matches a topic starting with '$'.
class TopicFilter
{
public:
    TopicFilter() = default;

    // Parses and validates; on failure returns an invalid filter and sets *error.
    static TopicFilter parse(const QByteArray &text, QString *error = nullptr);

    bool isValid() const { return !m_levels.isEmpty(); }
    bool hasWildcard() const { return m_wildcard; }
    const QByteArray &text() const { return m_text; }
    const QList<QByteArray> &levels() const { return m_levels; }

    bool matches(const QByteArray &topic) const;

    friend bool operator==(const TopicFilter &a, const TopicFilter &b)
    {
        return a.m_text == b.m_text;
    }

private:
    QByteArray m_text;
    QList<QByteArray> m_levels;
    bool m_wildcard = false;
};

// Whether every topic that `inner` matches is also matched by `outer` ("sensor/+/data" is within
// "sensor/#"; "#" is not within "sensor/#"). MQTT semantics, '$' rule included.
bool filterWithin(const TopicFilter &inner, const TopicFilter &outer);
// Whether some topic is matched by both filters.
bool filtersIntersect(const TopicFilter &a, const TopicFilter &b);

// Topics the hub publishes itself ("$SYS" and below): presence events and figures.
inline constexpr char SystemTopicPrefix[] = "$SYS/";
inline bool isSystemTopic(const QByteArray &topic)
{
    return topic.startsWith(SystemTopicPrefix) || topic == "$SYS";
}

// Splits a topic into its levels ("a//b" has an empty middle level, as in MQTT).
QList<QByteArray> topicLevels(const QByteArray &topic);

} // namespace ssehub
