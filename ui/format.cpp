#include "format.h"

#include <QCoreApplication>
#include <QLocale>

namespace ssehub {

QString formatCount(quint64 value)
{
    return QLocale().toString(qulonglong(value));
}

QString formatRate(double perSecond)
{
    return QCoreApplication::translate("format", "%1/s")
        .arg(QLocale().toString(perSecond, 'f', perSecond < 10 ? 1 : 0));
}

QString formatBytes(quint64 bytes)
{
    return QLocale().formattedDataSize(qint64(bytes), 1, QLocale::DataSizeTraditionalFormat);
}

QString formatAgo(qint64 ms)
{
    const QLocale locale;
    if (ms < 1000)
        return QCoreApplication::translate("format", "%1 ms").arg(locale.toString(ms));
    if (ms < 60000)
        return QCoreApplication::translate("format", "%1 s")
            .arg(locale.toString(ms / 1000.0, 'f', 1));
    return QCoreApplication::translate("format", "%1 min").arg(locale.toString(ms / 60000));
}

QString formatDuration(qint64 ms)
{
    const qint64 s = ms / 1000;
    const QString clock = QStringLiteral("%1:%2:%3")
                              .arg((s / 3600) % 24, 2, 10, QLatin1Char('0'))
                              .arg((s / 60) % 60, 2, 10, QLatin1Char('0'))
                              .arg(s % 60, 2, 10, QLatin1Char('0'));
    if (s >= 86400)
        return QCoreApplication::translate("format", "%1 d %2").arg(s / 86400).arg(clock);
    return clock;
}

} // namespace ssehub
