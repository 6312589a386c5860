#pragma once

#include <QByteArray>

namespace ssehub {

// Encodes the text/event-stream wire format. No field can break a frame: CR, LF and NUL never
// reach an "id:" or "event:" line, and data containing line breaks becomes several "data:" lines.
namespace SseFrame {

// "id: <id>\nevent: <type>\ndata: ...\n\n"; the event line is left out for the type "message" so
// that EventSource.onmessage sees it, and the id line when id is empty (the client's last event
// id then stays as it was).
QByteArray event(const QByteArray &id, const QByteArray &type, const QByteArray &data);
QByteArray retry(int milliseconds);
QByteArray comment(const QByteArray &text);

// `event: reset`: events were lost and the stream continues after resumeId (the frame's id, so
// that a reconnect after it does not repeat it). reason is one word; oldestId: the oldest event
// still kept, empty when unknown.
QByteArray reset(const QByteArray &resumeId, const QByteArray &reason, const QByteArray &oldestId);
// `event: shutdown` with the delay the client waits before reconnecting, in one block with the
// `retry:` field that makes EventSource wait that long.
QByteArray shutdown(int retryMs);
// `event: disconnect` before an operator's kick ends the stream: {"reason": reason, "message":
// the operator's words (UTF-8, may be empty)}, JSON-escaped. No id: it does not move the cursor.
QByteArray disconnect(const QByteArray &reason, const QByteArray &message);

// The heartbeat comment.
inline QByteArray ping()
{
    return QByteArrayLiteral(": ping\n\n");
}

} // namespace SseFrame

} // namespace ssehub
