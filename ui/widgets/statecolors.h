#pragma once

#include <QColor>
#include <QPalette>
#include <QString>

namespace ssehub {

// Colours that say how things stand (fine, needs a look, broken), taken from the palette in
// use so that they read on a light and on a dark one alike; nothing in the console hard-codes
// a light background.
enum class Severity { Good, Warning, Bad };

// True when the palette's window is dark (a dark desktop theme, or QPalette set by the user).
bool isDarkPalette(const QPalette &palette);
// Text in that severity, readable on the palette's window and base.
QColor severityText(const QPalette &palette, Severity severity);
// A background tinted towards the severity (banners, cells), under severityText.
QColor severityBackground(const QPalette &palette, Severity severity);
// A style sheet for a banner or a label: tinted background, text and border (banner true), or
// the coloured text alone.
QString severityStyle(const QPalette &palette, Severity severity, bool banner, bool bold = false);

} // namespace ssehub
