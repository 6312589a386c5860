#pragma once

#include <QByteArray>
#include <QtGlobal>

#include <memory>

namespace ssehub {

// A published event. The wire frame is encoded once, when the event is created, and every
// subscriber writes the same implicitly shared bytes.
struct Event
{
    quint64 id = 0;
    QByteArray topic;
    QByteArray type;
    qint64 timestamp = 0; // ms since the epoch, set by the server
    QByteArray payload; // the published JSON value, compact
    QByteArray envelope; // {"id","topic","type","payload","timestamp"} as compact JSON
    QByteArray frame; // the SSE frame carrying the envelope

    QByteArray idText() const;

    // The frame for streams that asked for format=payload (data is the payload alone); encoded
    // on first use and then shared like `frame`. Only the engine thread uses events.
    const QByteArray &payloadFrame() const;
    // A frame without the id line, for events replayed out of id order (a resumed
    // subscription): it must not move the client's Last-Event-ID backwards.
    QByteArray frameWithoutId(bool payloadOnly) const;

private:
    mutable QByteArray m_payloadFrame;
};

using EventPtr = std::shared_ptr<const Event>;

// Builds an event and its frame. payloadJson must be one valid JSON value.
EventPtr makeEvent(quint64 id, const QByteArray &topic, const QByteArray &type,
                   const QByteArray &payloadJson, qint64 timestamp);

// A JSON string literal for UTF-8 text (quotes and escapes included).
QByteArray jsonString(const QByteArray &utf8);

// Event ids are 64-bit numbers ordered like the events. The embedded broker writes them as
// decimal numbers; in cluster mode they are Redis Stream entry ids ("<ms>-<seq>"), kept as
// numbers with the top bit set (42 bits of milliseconds, 21 bits of sequence), so that every
// instance derives the same number from the same entry and both kinds order correctly.
constexpr quint64 StreamIdFlag = quint64(1) << 63;
constexpr int StreamIdSeqBits = 21;
// The number for a stream entry id; false if it does not fit (or is not one).
bool packStreamId(QByteArrayView text, quint64 *id);
// The smallest stream id of an event published at or after ms (StreamIdFlag for ms <= 0), and
// the largest number when ms is beyond what ids hold.
quint64 firstStreamIdAt(qint64 ms);
// The text of an id as clients see it (decimal, or "<ms>-<seq>" for stream ids).
QByteArray formatEventId(quint64 id);

// Parses an event id as the clients send it back (Last-Event-ID); false for anything else.
bool parseEventId(QByteArrayView text, quint64 *id);

} // namespace ssehub
