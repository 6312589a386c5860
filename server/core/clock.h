#pragma once

#include <QtGlobal>

namespace ssehub {

// The engine's time. Every deadline, expiry and rate in server/ reads it here, so that a test
// can move time forward instead of sleeping past a deadline (advanceForTesting); the timers
// that look at the clock still fire on real time.
namespace Clock {

// Milliseconds since the epoch (timestamps, expires_at, token exp, log entries).
qint64 wallMs();
// Milliseconds on a clock that never goes back (intervals, timeouts, liveness).
qint64 monotonicMs();
// Tests only: both clocks jump ms forward for the rest of the process.
void advanceForTesting(qint64 ms);

} // namespace Clock

} // namespace ssehub
