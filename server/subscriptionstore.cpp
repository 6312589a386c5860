#include "subscriptionstore.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

namespace ssehub {

FileSubscriptionStore::FileSubscriptionStore(const QString &path)
    : m_path(path)
{
}

QHash<QString, Client> FileSubscriptionStore::load(QString *error)
{
    QHash<QString, Client> clients;
    QFile file(m_path);
    if (!file.exists())
        return clients;
    QString problem;
    if (!file.open(QIODevice::ReadOnly)) {
        problem = file.errorString();
    } else {
        QJsonParseError parseError;
        const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &parseError);
        file.close();
        const QJsonObject root = doc.object();
        if (parseError.error != QJsonParseError::NoError) {
            problem = QStringLiteral("not valid JSON (%1 at offset %2)")
                          .arg(parseError.errorString())
                          .arg(parseError.offset);
        } else if (root.value(QLatin1String("version")).toInt() != 1) {
            problem = QStringLiteral("unknown format version");
        } else {
            const QJsonObject all = root.value(QLatin1String("clients")).toObject();
            for (auto it = all.begin(); it != all.end(); ++it) {
                Client client;
                if (!validateClientId(it.key().toUtf8()).isEmpty()
                    || !Client::fromJson(it.key(), it.value().toObject(), &client)) {
                    problem = QStringLiteral("client '%1' is damaged").arg(it.key());
                    clients.clear();
                    break;
                }
                clients.insert(it.key(), client);
            }
        }
    }
    if (!problem.isEmpty()) {
        // Never silently discarded: the file is kept beside, under a name that says why.
        const QString aside = m_path + QStringLiteral(".corrupt-")
            + QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd-hhmmss"));
        const bool moved = QFile::rename(m_path, aside);
        if (error) {
            *error = moved ? QStringLiteral("cannot read the subscriptions file %1: %2; it was "
                                            "moved to %3 and ssehub starts without stored "
                                            "subscriptions")
                                 .arg(m_path, problem, aside)
                           : QStringLiteral("cannot read the subscriptions file %1: %2; it could "
                                            "not be moved aside either, check its permissions")
                                 .arg(m_path, problem);
        }
    }
    return clients;
}

bool FileSubscriptionStore::save(const QHash<QString, Client> &clients, QString *error)
{
    QDir().mkpath(QFileInfo(m_path).absolutePath());
    QJsonObject all;
    for (auto it = clients.cbegin(); it != clients.cend(); ++it)
        all.insert(it.key(), it.value().toJson());
    QSaveFile file(m_path);
    if (!file.open(QIODevice::WriteOnly)) {
        if (error)
            *error = QStringLiteral("cannot write %1: %2").arg(m_path, file.errorString());
        return false;
    }
    file.write(QJsonDocument(
                   QJsonObject {{QStringLiteral("version"), 1}, {QStringLiteral("clients"), all}})
                   .toJson(QJsonDocument::Compact));
    if (!file.commit()) {
        if (error)
            *error = QStringLiteral("cannot write %1: %2").arg(m_path, file.errorString());
        return false;
    }
    return true;
}

} // namespace ssehub
