#include "proto/topicfilter.h"

#include <QCoreApplication>

namespace ssehub {

QString validateText(const QByteArray &text, const char *what, qsizetype maxBytes, bool rejectSpace)
{
    const QString kind = QString::fromLatin1(what);
    if (text.isEmpty())
        return kind + QStringLiteral(" is empty");
    if (text.size() > maxBytes)
        return kind + QStringLiteral(" is longer than %1 bytes").arg(maxBytes);
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f)
            return kind + QStringLiteral(" contains a control character");
        if (rejectSpace && u == 0x20)
            return kind + QStringLiteral(" contains a space");
    }
    // Invalid sequences decode to U+FFFD, so they do not survive a round trip.
    if (QString::fromUtf8(text).toUtf8() != text)
        return kind + QStringLiteral(" is not valid UTF-8");
    return {};
}

QList<QByteArray> topicLevels(const QByteArray &topic)
{
    return topic.split('/');
}

QString validateTopic(const QByteArray &topic)
{
    QString error = validateText(topic, "topic", MaxTopicBytes);
    if (!error.isEmpty())
        return error;
    if (topic.contains('+') || topic.contains('#'))
        return QStringLiteral("topic contains a wildcard ('+' or '#'); wildcards are only for "
                              "subscription filters");
    return {};
}

TopicFilter TopicFilter::parse(const QByteArray &text, QString *error)
{
    auto fail = [&](const QString &message) {
        if (error)
            *error = message;
        return TopicFilter();
    };
    QString problem = validateText(text, "filter", MaxTopicBytes);
    if (!problem.isEmpty())
        return fail(problem);

    TopicFilter filter;
    filter.m_text = text;
    filter.m_levels = topicLevels(text);
    const qsizetype count = filter.m_levels.size();
    for (qsizetype i = 0; i < count; ++i) {
        const QByteArray &level = filter.m_levels.at(i);
        if (level == "#") {
            if (i != count - 1)
                return fail(QStringLiteral("filter '%1': '#' must be the last level")
                                .arg(QString::fromUtf8(text)));
            filter.m_wildcard = true;
        } else if (level == "+") {
            filter.m_wildcard = true;
        } else if (level.contains('+') || level.contains('#')) {
            return fail(QStringLiteral("filter '%1': a wildcard must fill a whole level")
                            .arg(QString::fromUtf8(text)));
        }
    }
    if (error)
        error->clear();
    return filter;
}

bool TopicFilter::matches(const QByteArray &topic) const
{
    if (m_levels.isEmpty() || topic.isEmpty())
        return false;
    if (!m_wildcard)
        return topic == m_text;
    if (topic.startsWith('$') && (m_levels.first() == "+" || m_levels.first() == "#"))
        return false;

    qsizetype pos = 0;
    const qsizetype count = m_levels.size();
    for (qsizetype i = 0; i < count; ++i) {
        const QByteArray &level = m_levels.at(i);
        if (level == "#")
            return true; // also matches the parent level ("a/#" matches "a")
        if (pos > topic.size())
            return false; // the topic has fewer levels than the filter
        qsizetype end = topic.indexOf('/', pos);
        if (end < 0)
            end = topic.size();
        if (level != "+" && QByteArrayView(topic).sliced(pos, end - pos) != level)
            return false;
        pos = end + 1;
        if (i == count - 1)
            return pos > topic.size(); // consumed every level of the topic
        if (pos > topic.size() && i + 1 < count && m_levels.at(i + 1) == "#")
            return true;
    }
    return false;
}

namespace {

bool isWild(const QByteArray &level)
{
    return level == "+" || level == "#";
}

// A literal first level starting with '$' names topics that no leading wildcard matches.
bool systemLiteral(const QList<QByteArray> &levels)
{
    return !levels.isEmpty() && !isWild(levels.first()) && levels.first().startsWith('$');
}

// Whether the first `count` levels make the empty topic ("" is not a topic).
bool emptyParent(const QList<QByteArray> &levels, qsizetype count)
{
    return count == 1 && levels.first().isEmpty();
}

} // namespace

bool filterWithin(const TopicFilter &inner, const TopicFilter &outer)
{
    const QList<QByteArray> &f = inner.levels();
    const QList<QByteArray> &p = outer.levels();
    if (f.isEmpty() || p.isEmpty())
        return false;
    // The outer filter's leading wildcard matches no '$' topic; the inner one may name them.
    if (isWild(p.first()) && systemLiteral(f))
        return false;
    for (qsizetype i = 0;; ++i) {
        if (i < p.size() && p.at(i) == "#")
            return true; // the rest, parent level included
        if (i == f.size())
            // The inner filter ends: the outer must end too, or go on with '#' only (which
            // matches the parent level).
            return i == p.size() || (i + 1 == p.size() && p.at(i) == "#");
        if (i == p.size())
            return false; // the inner filter matches longer topics
        const QByteArray &fl = f.at(i);
        const QByteArray &pl = p.at(i);
        if (fl == "#") {
            // Any depth below, and the parent level - unless there is no parent (a leading '#')
            // or it would be the empty topic (no such topic): then "+/#" here covers it.
            return (i == 0 || emptyParent(f, i)) && pl == "+" && i + 2 == p.size()
                && p.at(i + 1) == "#";
        }
        if (pl == "+")
            continue; // one level of anything ('+' or a literal)
        if (fl == "+" || fl != pl)
            return false;
    }
}

bool filtersIntersect(const TopicFilter &a, const TopicFilter &b)
{
    const QList<QByteArray> &x = a.levels();
    const QList<QByteArray> &y = b.levels();
    if (x.isEmpty() || y.isEmpty())
        return false;
    // A leading wildcard meets a '$' literal nowhere.
    if ((isWild(x.first()) && systemLiteral(y)) || (isWild(y.first()) && systemLiteral(x)))
        return false;
    for (qsizetype i = 0;; ++i) {
        const bool xEnd = i == x.size();
        const bool yEnd = i == y.size();
        if ((!xEnd && x.at(i) == "#") || (!yEnd && y.at(i) == "#")) {
            // '#' meets the other's rest, or its end as the parent level - which is no topic
            // when it would be the empty one.
            return !((xEnd || yEnd) && i == 1 && (x.first().isEmpty() || y.first().isEmpty()));
        }
        if (xEnd || yEnd)
            return xEnd && yEnd;
        const QByteArray &xl = x.at(i);
        const QByteArray &yl = y.at(i);
        if (xl != "+" && yl != "+" && xl != yl)
            return false;
    }
}

} // namespace ssehub
