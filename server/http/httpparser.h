#pragma once

#include "http/statusreasons.h" // the statuses of Error

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QPair>
#include <QString>

// The one HTTP/1.x request parser of the engine. Every request on every path (the accept-time
// stream takeover included) is framed by it, and it refuses anything two parsers could read
// differently: obsolete line folding, bare CR or LF, whitespace before a colon, repeated or
// conflicting Content-Length, Transfer-Encoding other than exactly "chunked", both framings at
// once, HTTP/1.1 without Host. No sockets here: bytes in, a head (or an error status) out.
namespace ssehub::http {

struct Limits
{
    qsizetype maxHeadBytes = 16 * 1024; // request line + header lines + the empty line
    int maxHeaderLines = 100;
};

enum class BodyFraming {
    None, // no body (no Content-Length, or Content-Length: 0, no Transfer-Encoding)
    Length, // Content-Length bytes follow
    Chunked, // Transfer-Encoding: chunked
};

struct RequestHead
{
    QByteArray method; // a token, as sent (methods are case-sensitive)
    QByteArray target; // the request-target as sent
    QByteArray path; // percent-encoded, as sent ("*" for OPTIONS *)
    QByteArray query; // percent-encoded, without '?'; empty when none
    QByteArray host; // Host header (or the authority of an absolute-form target), null if none
    int minorVersion = 1; // HTTP/1.0 or HTTP/1.1
    QList<QPair<QByteArray, QByteArray>> headers; // lower-case names, values without OWS
    BodyFraming framing = BodyFraming::None;
    qint64 contentLength = 0; // with BodyFraming::Length
    bool keepAlive = true; // after this request (Connection, version)
    bool expectContinue = false; // Expect: 100-continue

    // The first value of a header (name in lower case), or a null array.
    QByteArray value(QByteArrayView lowerName) const;
    bool hasBody() const { return framing != BodyFraming::None; }
};

struct Error
{
    int status = 400;
    QString message;
};

enum class Result { Incomplete, Complete, Failed };

// Parses the request head at the start of `data`. Complete: *out is filled and *consumed is the
// size of the head (the body, if any, starts there). Incomplete: more bytes are needed (the data
// is still within the limits). Failed: *error says why, with the status to answer (400, 414,
// 431, 501, 505); the connection must be closed after that answer.
Result parseRequestHead(QByteArrayView data, const Limits &limits, RequestHead *out,
                        qsizetype *consumed, Error *error);

// Decodes a chunked body incrementally. The decoded body never grows past maxBodyBytes (413 as
// soon as it would), and the framing (chunk-size lines, extensions, trailers) is bounded too, so
// that what one request can make the server hold is the limit plus a few KiB.
class ChunkedDecoder
{
public:
    explicit ChunkedDecoder(qint64 maxBodyBytes = 0);

    // Consumes what it can of `data`, appending body bytes to *body. Returns how many bytes of
    // `data` were consumed. Check state() after each call.
    qsizetype feed(QByteArrayView data, QByteArray *body);

    enum class State { Size, Data, DataEnd, Trailer, Done, Failed };
    State state() const { return m_state; }
    bool isDone() const { return m_state == State::Done; }
    bool hasFailed() const { return m_state == State::Failed; }
    const Error &error() const { return m_error; }

    // Chunk-size line, trailer line, and all framing bytes together.
    static constexpr qsizetype MaxLineBytes = 1024; // one chunk-size line, extensions included
    static constexpr qsizetype MaxTrailerBytes = 8 * 1024; // the trailer section
    static constexpr qint64 MaxFramingBytes = 64 * 1024; // size lines, CRLFs and trailers

private:
    qsizetype fail(int status, const QString &message);

    qint64 m_maxBody;
    State m_state = State::Size;
    qint64 m_remaining = 0; // of the current chunk
    qint64 m_bodySize = 0;
    qint64 m_framingBytes = 0;
    QByteArray m_line; // a partial size or trailer line
    qsizetype m_trailerBytes = 0;
    Error m_error;
};

// Query parameters as raw bytes. '+' stays '+' (it is the MQTT wildcard, not a space); percent
// escapes are decoded, so "%23" is '#'.
QList<QPair<QByteArray, QByteArray>> queryItems(const QByteArray &query);

// Whether `name` is an RFC 9110 token (methods, header names, transfer codings).
bool isToken(QByteArrayView name);

} // namespace ssehub::http
