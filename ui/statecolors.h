#pragma once

#include <QColor>

QT_BEGIN_NAMESPACE
class QPalette;
QT_END_NAMESPACE

namespace ssehub {

// The console's warning (amber) and alert (red) colours, derived from a palette so that they
// read on a light and on a dark one alike: backgrounds are the signal colour blended into the
// palette's base (the text colour stays readable on them), text colours are lighter on a dark
// palette. Without a palette: the application's.
namespace StateColors {

bool isDark(const QPalette &palette);
QColor warningBackground(const QPalette &palette);
QColor alertBackground(const QPalette &palette);
QColor warningText(const QPalette &palette);
QColor alertText(const QPalette &palette);

QColor warningBackground();
QColor alertBackground();
QColor warningText();
QColor alertText();

} // namespace StateColors

} // namespace ssehub
