#pragma once

#include <QByteArray>

#include <functional>

namespace ssehub {

// Reads a text/event-stream as EventSource does (the HTML standard's rules): fields `event`,
// `data` (joined by newlines), `id` (kept across events; one with NUL is ignored), `retry`;
// comments and unknown fields ignored; CR, LF and CRLF line ends; a UTF-8 BOM at the start
// skipped. An event is dispatched at a blank line when it has data. Bounded: a line or an event
// longer than maxEventBytes is an error (the reader stops).
class SseReader
{
public:
    struct Event
    {
        QByteArray type; // "message" when the stream named none
        QByteArray data;
        QByteArray lastEventId; // the stream's last event id after this event
    };

    explicit SseReader(qsizetype maxEventBytes = 64 * 1024 * 1024);

    // Feeds bytes; calls onEvent for every complete event. Returns false (and stays failed)
    // when a bound was passed.
    bool feed(const QByteArray &bytes, const std::function<void(const Event &)> &onEvent);
    bool failed() const { return m_failed; }
    QByteArray lastEventId() const { return m_lastEventId; }
    // The server's `retry:` hint in ms, or -1.
    int retryMs() const { return m_retryMs; }
    // A new connection: partial lines and the event being built are forgotten (the last event
    // id and retry hint stay).
    void restart();

private:
    void line(QByteArrayView line, const std::function<void(const Event &)> &onEvent);

    qsizetype m_max;
    QByteArray m_buffer;
    QByteArray m_type;
    QByteArray m_data;
    bool m_haveData = false;
    QByteArray m_lastEventId;
    int m_retryMs = -1;
    bool m_atStart = true;
    bool m_failed = false;
};

} // namespace ssehub
