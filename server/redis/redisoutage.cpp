#include "redis/redisoutage.h"

#include "core/clock.h"

#include <QDateTime>

#include <utility>

namespace ssehub {

QString RedisOutage::Report::text(const QString &where) const
{
    auto time = [](qint64 ms) {
        return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
    };
    return QStringLiteral("Redis at %1 was unreachable from %2 to %3 (%4 s); %5 publishes "
                          "refused meanwhile")
        .arg(where, time(fromMs), time(toMs))
        .arg(double(durationMs) / 1000.0, 0, 'f', 1)
        .arg(refused);
}

void RedisOutage::starting()
{
    if (m_downSinceMs)
        return;
    m_downSinceMs = Clock::wallMs();
    m_downSinceMono = Clock::monotonicMs();
    m_refusedAtDown = m_refused;
}

void RedisOutage::answered()
{
    m_lastAnswerMs = Clock::wallMs();
    m_lastAnswerMono = Clock::monotonicMs();
}

void RedisOutage::began()
{
    const qint64 now = Clock::wallMs();
    const qint64 nowMono = Clock::monotonicMs();
    // Unreachable since its last answer (a tick at most 250 ms before a freeze), not since
    // the command timeout gave up on it.
    const bool sinceAnswer = m_lastAnswerMs > 0 && m_lastAnswerMono <= nowMono;
    m_downSinceMs = sinceAnswer ? m_lastAnswerMs : now;
    m_downSinceMono = sinceAnswer ? m_lastAnswerMono : nowMono;
    m_refusedAtDown = m_refused;
}

std::optional<RedisOutage::Report> RedisOutage::ended()
{
    if (!m_downSinceMs || !std::exchange(m_lost, false))
        return std::nullopt;
    Report report;
    report.fromMs = std::exchange(m_downSinceMs, 0);
    report.toMs = Clock::wallMs();
    report.durationMs = Clock::monotonicMs() - m_downSinceMono;
    report.refused = m_refused - m_refusedAtDown;
    return report;
}

} // namespace ssehub
