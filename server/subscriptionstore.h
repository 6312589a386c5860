#pragma once

#include "client.h"

#include <QHash>
#include <QString>

namespace ssehub {

// Where named clients' subscriptions and cursors are kept between runs. The embedded default
// keeps them in a local file; cluster mode keeps them in Redis.
class SubscriptionStore
{
public:
    virtual ~SubscriptionStore() = default;
    // Reads every stored client. A store that cannot be read says why in *error (and, for a
    // damaged file, sets it aside so that nothing is lost); it then returns an empty set.
    virtual QHash<QString, Client> load(QString *error) = 0;
    virtual bool save(const QHash<QString, Client> &clients, QString *error) = 0;
};

// A JSON file written atomically (QSaveFile): {"version": 1, "clients": {id: {...}}}.
class FileSubscriptionStore final : public SubscriptionStore
{
public:
    explicit FileSubscriptionStore(const QString &path);
    QHash<QString, Client> load(QString *error) override;
    bool save(const QHash<QString, Client> &clients, QString *error) override;
    const QString &path() const { return m_path; }

private:
    QString m_path;
};

} // namespace ssehub
