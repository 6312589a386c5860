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
    // Stores every named client; true once the data is durable. Called on the hub's writer
    // thread (never at the same time twice): it must touch nothing but its arguments.
    virtual bool save(const QHash<QString, Client> &clients, QString *error) = 0;
};

// A JSON file, {"version": 1, "clients": {id: {...}}}, replaced whole on every save: written
// to `<path>.tmp`, fsync'ed, renamed over the file, and the directory fsync'ed.
class FileSubscriptionStore final : public SubscriptionStore
{
public:
    explicit FileSubscriptionStore(const QString &path);
    QHash<QString, Client> load(QString *error) override;
    bool save(const QHash<QString, Client> &clients, QString *error) override;
    const QString &path() const { return m_path; }
    static QByteArray serialize(const QHash<QString, Client> &clients);
    bool writeDurably(const QByteArray &data, QString *error);

private:
    QString m_path;
};

} // namespace ssehub
