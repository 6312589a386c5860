#pragma once

#include <QStringView>

namespace ssehub {

// Orders text as people read it: runs of digits by their value ("room2" before "room10"), the
// rest case-insensitively, ties broken by the exact text. <0, 0, >0 like QString::compare.
// The engine's lists (GET /clients) and the console's views sort with it.
int naturalCompare(QStringView a, QStringView b);

} // namespace ssehub
