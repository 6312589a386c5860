#include "auth/cachecontrol.h"

#include <QList>

namespace ssehub {

qint64 cacheControlMaxAgeMs(const QByteArray &cacheControl)
{
    qint64 result = -1;
    for (const QByteArray &part : cacheControl.split(',')) {
        const QByteArray directive = part.trimmed().toLower();
        if (directive == "no-store" || directive == "no-cache")
            return 0;
        if (directive.startsWith("max-age=")) {
            bool ok = false;
            const qint64 seconds = directive.mid(8).toLongLong(&ok);
            if (ok && seconds >= 0)
                result = qMin(seconds, qint64(365) * 86400) * 1000;
        }
    }
    return result;
}

} // namespace ssehub
