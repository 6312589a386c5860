#include "statecolors.h"

namespace ssehub {

namespace {

QColor mixed(const QColor &a, const QColor &b, double share)
{
    return QColor::fromRgbF(float(a.redF() * (1 - share) + b.redF() * share),
                            float(a.greenF() * (1 - share) + b.greenF() * share),
                            float(a.blueF() * (1 - share) + b.blueF() * share));
}

} // namespace

bool isDarkPalette(const QPalette &palette)
{
    return palette.color(QPalette::Window).lightness() < 128;
}

QColor severityText(const QPalette &palette, Severity severity)
{
    const bool dark = isDarkPalette(palette);
    switch (severity) {
    case Severity::Good:
        return dark ? QColor(0xa5, 0xd6, 0xa7) : QColor(0x1b, 0x5e, 0x20);
    case Severity::Warning:
        return dark ? QColor(0xff, 0xcc, 0x80) : QColor(0x7a, 0x4f, 0x00);
    case Severity::Bad:
        break;
    }
    return dark ? QColor(0xff, 0x8a, 0x80) : QColor(0xb0, 0x00, 0x20);
}

QColor severityBackground(const QPalette &palette, Severity severity)
{
    const bool dark = isDarkPalette(palette);
    const QColor window = palette.color(QPalette::Window);
    QColor tone;
    switch (severity) {
    case Severity::Good:
        tone = QColor(0x43, 0xa0, 0x47);
        break;
    case Severity::Warning:
        tone = QColor(0xff, 0xb3, 0x00);
        break;
    case Severity::Bad:
        tone = QColor(0xe5, 0x39, 0x35);
        break;
    }
    return mixed(window, tone, dark ? 0.28 : 0.18);
}

QString severityStyle(const QPalette &palette, Severity severity, bool banner, bool bold)
{
    const QString text = severityText(palette, severity).name();
    QString style = QStringLiteral("color: %1;").arg(text);
    if (bold)
        style += QStringLiteral(" font-weight: bold;");
    if (banner)
        style += QStringLiteral(" background: %1; border: 1px solid %2; padding: 6px;")
                     .arg(severityBackground(palette, severity).name(), text);
    return style;
}

} // namespace ssehub
