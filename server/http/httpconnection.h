#pragma once

#include "http/httpparser.h"
#include "http/httprequest.h"
#include "http/responder.h"

#include <QByteArray>

namespace ssehub {

// One client connection while it speaks HTTP (a stream leaves the front's table): where its
// bytes are in the framing of a request, its timers and the order of its answers. No socket:
// the front reads and writes; this decides.
struct HttpConnection
{
    // Waiting: a complete request waits for the auth hook's answer; nothing more is read.
    enum class Phase { Head, Body, Waiting, Closing };

    // Requests whose answers are not written yet, per connection, before reading stops.
    static constexpr quint64 MaxPendingAnswers = 32;
    // Answer bytes the client has not taken yet before reading stops.
    static constexpr qint64 MaxUnsentAnswerBytes = 1024 * 1024;
    // How long an early error answer is given to reach the client before the connection is cut.
    static constexpr qint64 CloseGraceMs = 2000;

    struct Timeouts
    {
        int requestMs = 15000; // to send one complete request (or anything at all)
        int keepAliveMs = 75000; // idle time between requests before a close
    };
    // What the front's sweep does with the connection.
    enum class Expiry {
        None,
        Abort, // cut at once: its time is up (or it does not take its answers)
        Close, // idle between requests: closed politely
        RequestTimeout, // a request started and did not complete: 408
    };
    Expiry expiry(qint64 nowMs, qint64 bytesToWrite, const Timeouts &timeouts) const;
    // A client that does not read its answers is not read either.
    bool answersBacklogged(qint64 bytesToWrite) const
    {
        return answers.pending() >= MaxPendingAnswers || bytesToWrite > MaxUnsentAnswerBytes;
    }

    Phase phase = Phase::Head;
    QByteArray in; // received and not parsed yet (bounded by the head limit)
    HttpRequest request; // the request whose body is being read
    http::ChunkedDecoder chunked;
    qint64 acceptedMs = 0;
    qint64 requestStartMs = 0; // 0: between requests
    qint64 lastActivityMs = 0;
    qint64 writeSinceMs = 0; // when answer bytes last left Qt's buffer (or were queued)
    qint64 closeAtMs = 0; // Closing: when the connection is cut at the latest
    qint64 drainBudget = 256 * 1024; // bytes still read (and dropped) after the last request
    bool served = false; // at least one request came
    bool lastRequest = false; // the client asked to close: what follows is not read
    bool readingPaused = false; // too many answers pending: reading resumes after them
    http::AnswerOrder answers;
};

} // namespace ssehub
