#include "topicfilter.h"

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

} // namespace ssehub
