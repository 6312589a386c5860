#pragma once

#include <QList>
#include <QString>

QT_BEGIN_NAMESPACE
class QObject;
class QTranslator;
QT_END_NAMESPACE

namespace ssehub {

// The console's language: the system locale, or `language` (--lang zh_CN) when given. Installs
// ssehub's own translation (built in, :/i18n) and Qt's for its own dialogs - standard buttons,
// the file dialog - from Qt's translations directory (the package qt6-translations-l10n;
// without it those stay English). Returns the translators installed, owned by owner.
QList<QTranslator *> installLanguage(const QString &language, QObject *owner);

} // namespace ssehub
