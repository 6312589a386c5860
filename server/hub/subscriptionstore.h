#pragma once

#include "hub/client.h"

#include <QHash>
#include <QList>
#include <QString>

#include <optional>

namespace ssehub {

// Where named clients' subscriptions and cursors are kept between runs. The embedded default
// keeps them in local files; cluster mode keeps them in Redis (ClusterState).
//
// The hub calls save() and append() on its writer thread, one call at a time; they touch
// nothing but their arguments and the store's own state.
class SubscriptionStore
{
public:
    // A changed client: its whole new state, or nothing when it is forgotten.
    struct Change
    {
        QString id;
        std::optional<Client> client;
    };

    virtual ~SubscriptionStore() = default;
    // Reads every stored client. A store that cannot be read says why in *error (and, for a
    // damaged file, sets it aside so that nothing is lost); it then returns what it could read.
    virtual QHash<QString, Client> load(QString *error) = 0;
    // Replaces everything stored with these clients; true once it is durable.
    virtual bool save(const QList<Client> &clients, QString *error) = 0;
    // Records these changes after what is stored; true once they are durable. After a failure
    // the next call must be save().
    virtual bool append(const QList<Change> &changes, QString *error) = 0;
    // Whether the next write should be a save() (what was appended has grown large).
    virtual bool wantsCompaction() const = 0;
};

// Two files in the data directory:
// - `subscriptions.json`, the snapshot: {"version": 1, "journal": <epoch>, "clients": {id: {...}}},
//   replaced whole by save(): written to `<path>.tmp`, fsync'ed, renamed over the file, and the
//   directory fsync'ed;
// - `subscriptions.journal`, what changed since: a header line {"journal": <epoch>}, then one
//   line per changed client, {"id": ..., "client": {...} | null}, appended by append() and
//   fdatasync'ed once per call (a group of requests). It counts only when its epoch is the
//   snapshot's (a save() starts a new epoch), and a last line cut short by a crash was never
//   acknowledged and is ignored. It is folded into a new snapshot once it is larger than the
//   snapshot (and at least 1 MiB), and at start when it holds anything.
class FileSubscriptionStore final : public SubscriptionStore
{
public:
    explicit FileSubscriptionStore(const QString &path);
    ~FileSubscriptionStore() override;
    QHash<QString, Client> load(QString *error) override;
    bool save(const QList<Client> &clients, QString *error) override;
    bool append(const QList<Change> &changes, QString *error) override;
    bool wantsCompaction() const override;
    const QString &path() const { return m_path; }
    QString journalPath() const;

    // The JSON of one client, as Client::toJson has it (written directly: fast enough for
    // 100,000 clients per snapshot).
    static void appendClientJson(QByteArray *out, const Client &client);
    static QByteArray serialize(const QList<Client> &clients, quint64 epoch);

private:
    bool writeSnapshot(const QByteArray &data, QString *error);
    bool startJournal(QString *error);
    void closeJournal();

    QString m_path;
    quint64 m_epoch = 0;
    int m_journalFd = -1; // open for appending, its header written and synced
    qint64 m_journalBytes = 0;
    qint64 m_snapshotBytes = 0;
};

} // namespace ssehub
