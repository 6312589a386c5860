#include "language.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QTranslator>

namespace ssehub {

QList<QTranslator *> installLanguage(const QString &language, QObject *owner)
{
    const QLocale locale = language.isEmpty() ? QLocale::system() : QLocale(language);
    if (!language.isEmpty())
        QLocale::setDefault(locale);
    QList<QTranslator *> installed;
    const auto install = [&](const QString &name, const QString &directory) {
        auto *translator = new QTranslator(owner);
        if (translator->load(locale, name, QStringLiteral("_"), directory)
            && QCoreApplication::installTranslator(translator)) {
            installed << translator;
        } else {
            delete translator;
        }
    };
    install(QStringLiteral("ssehub"), QStringLiteral(":/i18n"));
    install(QStringLiteral("qtbase"), QLibraryInfo::path(QLibraryInfo::TranslationsPath));
    return installed;
}

} // namespace ssehub
