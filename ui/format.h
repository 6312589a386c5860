#pragma once

#include "naturalorder.h" // naturalCompare: one rule for the engine and the views

#include <QString>

namespace ssehub {

// Figures as the console shows them, in the user's locale.
QString formatCount(quint64 value);
QString formatRate(double perSecond); // "1,234/s"
QString formatBytes(quint64 bytes); // "12.3 KiB"
QString formatAgo(qint64 ms); // "250 ms", "12.5 s", "3 min"
QString formatDuration(qint64 ms); // uptime: "2 d 03:04:05"

} // namespace ssehub
