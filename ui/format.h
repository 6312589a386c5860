#pragma once

#include "naturalorder.h" // naturalCompare: one rule for the engine and the views

#include <QString>

namespace ssehub {

// Figures as the console shows them, in the user's locale.
QString formatCount(quint64 value);
QString formatRate(double perSecond); // "1,234/s"
QString formatBytes(quint64 bytes); // binary units everywhere: "12.3 KiB", "4.0 MiB"
QString formatAgo(qint64 ms); // "250 ms", "12.5 s", "3 min"
QString formatDuration(qint64 ms); // uptime: "2 d 03:04:05"
// A moment in a table: "14:03:07.250" today, "2026-11-30 14:03:07.250" on another day (local
// time; nowMs 0: the current time).
QString formatTime(qint64 msSinceEpoch, qint64 nowMs = 0);
// The same moment in full, for a tooltip: "2026-12-02 14:03:07.250 UTC+01:00".
QString formatFullTime(qint64 msSinceEpoch);

} // namespace ssehub
