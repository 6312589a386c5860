#pragma once

#include <QByteArray>

namespace ssehub {

// The max-age of a Cache-Control header in ms; -1 when it has none. no-store and no-cache
// count as 0. At most a year.
qint64 cacheControlMaxAgeMs(const QByteArray &cacheControl);

} // namespace ssehub
