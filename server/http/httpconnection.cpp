#include "http/httpconnection.h"

namespace ssehub {

HttpConnection::Expiry HttpConnection::expiry(qint64 nowMs, qint64 bytesToWrite,
                                              const Timeouts &timeouts) const
{
    // Answers the client does not take: it is cut after the request timeout (it would
    // otherwise hold its connection and the answers for good).
    if (bytesToWrite > 0 && nowMs - writeSinceMs > timeouts.requestMs)
        return Expiry::Abort;
    if (phase == Phase::Closing)
        return nowMs >= closeAtMs ? Expiry::Abort : Expiry::None;
    if (phase == Phase::Waiting)
        return Expiry::None; // the hook's timeout bounds it
    if (requestStartMs)
        return nowMs - requestStartMs > timeouts.requestMs ? Expiry::RequestTimeout : Expiry::None;
    if (!served) {
        // Nothing at all (or no TLS handshake) within the request timeout.
        return nowMs - acceptedMs > timeouts.requestMs ? Expiry::Abort : Expiry::None;
    }
    if (answers.pending() == 0 && nowMs - lastActivityMs > timeouts.keepAliveMs)
        return Expiry::Close;
    return Expiry::None;
}

} // namespace ssehub
