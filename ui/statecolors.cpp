#include "statecolors.h"

#include <QGuiApplication>
#include <QPalette>

namespace ssehub::StateColors {

namespace {

const QColor amber(0xff, 0xa7, 0x26);
const QColor red(0xe5, 0x39, 0x35);

QColor blend(const QColor &base, const QColor &signal, double amount)
{
    return QColor::fromRgbF(float(base.redF() * (1 - amount) + signal.redF() * amount),
                            float(base.greenF() * (1 - amount) + signal.greenF() * amount),
                            float(base.blueF() * (1 - amount) + signal.blueF() * amount));
}

} // namespace

bool isDark(const QPalette &palette)
{
    return palette.color(QPalette::Base).lightness() < 128;
}

QColor warningBackground(const QPalette &palette)
{
    return blend(palette.color(QPalette::Base), amber, isDark(palette) ? 0.5 : 0.45);
}

QColor alertBackground(const QPalette &palette)
{
    return blend(palette.color(QPalette::Base), red, isDark(palette) ? 0.5 : 0.45);
}

QColor warningText(const QPalette &palette)
{
    return isDark(palette) ? QColor(0xff, 0xc1, 0x07) : QColor(0xa0, 0x5a, 0x00);
}

QColor alertText(const QPalette &palette)
{
    return isDark(palette) ? QColor(0xff, 0x8a, 0x80) : QColor(0xb0, 0x00, 0x20);
}

QColor warningBackground()
{
    return warningBackground(QGuiApplication::palette());
}

QColor alertBackground()
{
    return alertBackground(QGuiApplication::palette());
}

QColor warningText()
{
    return warningText(QGuiApplication::palette());
}

QColor alertText()
{
    return alertText(QGuiApplication::palette());
}

} // namespace ssehub::StateColors
