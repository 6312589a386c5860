#include "ssereader.h"

namespace ssehub {

SseReader::SseReader(qsizetype maxEventBytes)
    : m_max(maxEventBytes)
{
}

void SseReader::restart()
{
    m_buffer.clear();
    m_type.clear();
    m_data.clear();
    m_haveData = false;
    m_atStart = true;
    m_failed = false;
}

bool SseReader::feed(const QByteArray &bytes, const std::function<void(const Event &)> &onEvent)
{
    if (m_failed)
        return false;
    m_buffer += bytes;
    if (m_atStart && m_buffer.size() >= 3) {
        if (m_buffer.startsWith("\xEF\xBB\xBF"))
            m_buffer.remove(0, 3);
        m_atStart = false;
    }
    qsizetype start = 0;
    while (start < m_buffer.size()) {
        qsizetype end = start;
        while (end < m_buffer.size() && m_buffer[end] != '\n' && m_buffer[end] != '\r')
            ++end;
        if (end == m_buffer.size())
            break; // an incomplete line
        // A CR at the very end may be the first half of CRLF: wait for the next byte.
        if (m_buffer[end] == '\r' && end + 1 == m_buffer.size())
            break;
        line(QByteArrayView(m_buffer).sliced(start, end - start), onEvent);
        if (m_failed)
            return false;
        start = end + (m_buffer[end] == '\r' && m_buffer[end + 1] == '\n' ? 2 : 1);
    }
    m_buffer.remove(0, start);
    if (m_buffer.size() > m_max || m_data.size() > m_max) {
        m_failed = true;
        m_buffer.clear();
        m_data.clear();
        return false;
    }
    return true;
}

void SseReader::line(QByteArrayView text, const std::function<void(const Event &)> &onEvent)
{
    if (text.isEmpty()) {
        if (m_haveData) {
            if (m_data.endsWith('\n'))
                m_data.chop(1);
            onEvent(Event {m_type.isEmpty() ? QByteArrayLiteral("message") : m_type, m_data,
                           m_lastEventId});
        }
        m_type.clear();
        m_data.clear();
        m_haveData = false;
        return;
    }
    if (text.front() == ':')
        return; // a comment (heartbeats)
    const qsizetype colon = text.indexOf(':');
    QByteArrayView field = colon < 0 ? text : text.first(colon);
    QByteArrayView value = colon < 0 ? QByteArrayView() : text.sliced(colon + 1);
    if (value.startsWith(' '))
        value = value.sliced(1);
    if (field == "event") {
        m_type = value.toByteArray();
    } else if (field == "data") {
        m_data += value;
        m_data += '\n';
        m_haveData = true;
        if (m_data.size() > m_max)
            m_failed = true;
    } else if (field == "id") {
        if (!value.contains('\0'))
            m_lastEventId = value.toByteArray();
    } else if (field == "retry") {
        bool ok = false;
        const int ms = value.toByteArray().toInt(&ok);
        if (ok && ms >= 0)
            m_retryMs = ms;
    }
}

} // namespace ssehub
