#include "hub/subscriptionstore.h"

#include "proto/event.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace ssehub {

FileSubscriptionStore::FileSubscriptionStore(const QString &path)
    : m_path(path)
{
}

FileSubscriptionStore::~FileSubscriptionStore()
{
    closeJournal();
}

QString FileSubscriptionStore::journalPath() const
{
    QString path = m_path;
    if (path.endsWith(QLatin1String(".json")))
        path.chop(5);
    return path + QStringLiteral(".journal");
}

namespace {

QString errnoText(int error)
{
    return QString::fromLocal8Bit(std::strerror(error));
}

// write(2) until everything is out (or an error).
bool writeAll(int fd, const char *data, qsizetype size)
{
    while (size > 0) {
        const ssize_t n = ::write(fd, data, size_t(size));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        data += n;
        size -= n;
    }
    return true;
}

bool syncDirectory(const QString &dir, int *code)
{
    const int fd = ::open(QFile::encodeName(dir).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        *code = errno;
        return false;
    }
    const int synced = ::fsync(fd);
    *code = errno;
    ::close(fd);
    return synced == 0;
}

QString asideName(const QString &path)
{
    return path + QStringLiteral(".corrupt-")
        + QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd-hhmmss"));
}

} // namespace

QHash<QString, Client> FileSubscriptionStore::load(QString *error)
{
    QHash<QString, Client> clients;
    QStringList problems;
    bool snapshotOk = true;
    QFile file(m_path);
    if (file.exists()) {
        QString problem;
        if (!file.open(QIODevice::ReadOnly)) {
            problem = file.errorString();
        } else {
            QJsonParseError parseError;
            const QByteArray data = file.readAll();
            m_snapshotBytes = data.size();
            const QJsonDocument doc = QJsonDocument::fromJson(data, &parseError);
            file.close();
            const QJsonObject root = doc.object();
            if (parseError.error != QJsonParseError::NoError) {
                problem = QStringLiteral("not valid JSON (%1 at offset %2)")
                              .arg(parseError.errorString())
                              .arg(parseError.offset);
            } else if (root.value(QLatin1String("version")).toInt() != 1) {
                problem = QStringLiteral("unknown format version");
            } else {
                m_epoch = quint64(root.value(QLatin1String("journal")).toDouble());
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
            snapshotOk = false;
            // Never silently discarded: the file is kept beside, under a name that says why.
            const QString aside = asideName(m_path);
            const bool moved = QFile::rename(m_path, aside);
            problems << (moved ? QStringLiteral("cannot read the subscriptions file %1: %2; it was "
                                                "moved to %3 and ssehub starts without stored "
                                                "subscriptions")
                                     .arg(m_path, problem, aside)
                               : QStringLiteral("cannot read the subscriptions file %1: %2; it "
                                                "could not be moved aside either, check its "
                                                "permissions")
                                     .arg(m_path, problem));
        }
    }

    // The journal: changes since the snapshot, when it belongs to it.
    QFile journal(journalPath());
    bool replayed = false;
    if (journal.exists()) {
        replayed = true; // folded into a new snapshot below, whatever it held
        if (!journal.open(QIODevice::ReadOnly)) {
            problems << QStringLiteral("cannot read the subscriptions journal %1: %2")
                            .arg(journalPath(), journal.errorString());
        } else if (!snapshotOk) {
            QFile::copy(journalPath(), asideName(journalPath())); // belongs to the damaged one
        } else {
            const QByteArray data = journal.readAll();
            journal.close();
            const QList<QByteArray> lines = data.split('\n');
            // lines.last() is what follows the last newline: empty, or a line cut short.
            const QJsonObject header = QJsonDocument::fromJson(lines.first()).object();
            const bool current = lines.size() > 1
                && header.value(QLatin1String("journal")).toDouble() == double(m_epoch);
            for (qsizetype i = 1; current && i + 1 < lines.size(); ++i) {
                const QJsonObject record = QJsonDocument::fromJson(lines.at(i)).object();
                const QString id = record.value(QLatin1String("id")).toString();
                const QJsonValue value = record.value(QLatin1String("client"));
                Client client;
                if (id.isEmpty() || !validateClientId(id.toUtf8()).isEmpty()
                    || (!value.isNull() && !Client::fromJson(id, value.toObject(), &client))) {
                    if (i + 2 == lines.size() && lines.last().isEmpty())
                        break; // the last line, damaged by a crash while written: never answered
                    const QString aside = asideName(journalPath());
                    QFile::copy(journalPath(), aside);
                    problems << QStringLiteral(
                                    "line %1 of the subscriptions journal %2 is damaged; "
                                    "the changes before it were applied, the rest is "
                                    "kept in %3")
                                    .arg(i + 1)
                                    .arg(journalPath(), aside);
                    break;
                }
                if (value.isNull())
                    clients.remove(id);
                else
                    clients.insert(id, client);
            }
        }
    }
    if (replayed) {
        // A fresh snapshot with what was read, and an empty journal.
        QString problem;
        if (!save(QList<Client>(clients.cbegin(), clients.cend()), &problem))
            problems << problem;
    }
    if (error)
        *error = problems.join(QStringLiteral("; "));
    return clients;
}

void FileSubscriptionStore::appendClientJson(QByteArray *out, const Client &client)
{
    *out += '{';
    if (client.hasAck)
        *out += "\"ack\":\"" + formatEventId(client.ackedId) + "\",";
    *out += "\"subscriptions\":[";
    bool first = true;
    for (const Subscription &s : client.subscriptions) {
        if (!first)
            *out += ',';
        first = false;
        *out += "{\"created\":" + QByteArray::number(s.createdAt) + ",\"expires_at\":"
            + (s.expiresAt ? QByteArray::number(s.expiresAt) : QByteArrayLiteral("null"))
            + ",\"filter\":" + jsonString(s.filter.text());
        if (s.state == Subscription::State::Paused)
            *out += ",\"paused_after\":\"" + formatEventId(s.pausedAfterId) + '"';
        *out += ",\"state\":\"" + Subscription::stateName(s.state).toLatin1()
            + "\",\"updated\":" + QByteArray::number(s.updatedAt) + '}';
    }
    *out += "]}";
}

QByteArray FileSubscriptionStore::serialize(const QList<Client> &clients, quint64 epoch)
{
    // Written directly, one client after the other: a QJsonObject of every client would sort
    // its keys on every insertion (quadratic in the number of clients).
    QByteArray out;
    out.reserve(64 + clients.size() * 200);
    out += "{\"version\":1,\"journal\":" + QByteArray::number(epoch) + ",\"clients\":{";
    bool first = true;
    for (const Client &client : clients) {
        if (!first)
            out += ',';
        first = false;
        out += jsonString(client.id.toUtf8());
        out += ':';
        appendClientJson(&out, client);
    }
    out += "}}";
    return out;
}

bool FileSubscriptionStore::save(const QList<Client> &clients, QString *error)
{
    const quint64 epoch = m_epoch + 1;
    const QByteArray data = serialize(clients, epoch);
    if (!writeSnapshot(data, error))
        return false; // the old snapshot and journal still hold
    m_epoch = epoch; // the old journal no longer counts
    m_snapshotBytes = data.size();
    return startJournal(error);
}

bool FileSubscriptionStore::writeSnapshot(const QByteArray &data, QString *error)
{
    // Durable before it is acknowledged: the whole file goes to a temporary name beside it, is
    // fsync'ed, renamed over the old one (atomic: a reader or a restart after a crash sees the
    // old or the new file, never a mix), and the directory is fsync'ed so that the rename
    // itself survives a power cut.
    const QFileInfo info(m_path);
    const QString dir = info.absolutePath();
    QDir().mkpath(dir);
    const QByteArray target = QFile::encodeName(info.absoluteFilePath());
    const QByteArray temporary = target + ".tmp";
    auto fail = [&](const char *step, int code) {
        if (error)
            *error = QStringLiteral("cannot write %1 (%2: %3)")
                         .arg(m_path, QLatin1String(step), errnoText(code));
        return false;
    };
    const int fd = ::open(temporary.constData(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return fail("open", errno);
    if (!writeAll(fd, data.constData(), data.size())) {
        const int code = errno;
        ::close(fd);
        ::unlink(temporary.constData());
        return fail("write", code);
    }
    if (::fsync(fd) != 0) {
        const int code = errno;
        ::close(fd);
        ::unlink(temporary.constData());
        return fail("fsync", code);
    }
    if (::close(fd) != 0) {
        const int code = errno;
        ::unlink(temporary.constData());
        return fail("close", code);
    }
    if (::rename(temporary.constData(), target.constData()) != 0) {
        const int code = errno;
        ::unlink(temporary.constData());
        return fail("rename", code);
    }
    int code = 0;
    if (!syncDirectory(dir, &code))
        return fail("fsync of the directory", code);
    return true;
}

bool FileSubscriptionStore::startJournal(QString *error)
{
    closeJournal();
    const QString path = journalPath();
    auto fail = [&](const char *step, int code) {
        if (error)
            *error = QStringLiteral("cannot write %1 (%2: %3)")
                         .arg(path, QLatin1String(step), errnoText(code));
        closeJournal();
        return false;
    };
    // Emptied, then the header: a crash in between leaves a journal that does not count.
    m_journalFd = ::open(QFile::encodeName(path).constData(),
                         O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
    if (m_journalFd < 0)
        return fail("open", errno);
    const QByteArray header = "{\"journal\":" + QByteArray::number(m_epoch) + "}\n";
    if (!writeAll(m_journalFd, header.constData(), header.size()))
        return fail("write", errno);
    if (::fdatasync(m_journalFd) != 0)
        return fail("fdatasync", errno);
    int code = 0;
    if (!syncDirectory(QFileInfo(path).absolutePath(), &code))
        return fail("fsync of the directory", code);
    m_journalBytes = header.size();
    return true;
}

void FileSubscriptionStore::closeJournal()
{
    if (m_journalFd >= 0)
        ::close(m_journalFd);
    m_journalFd = -1;
}

bool FileSubscriptionStore::append(const QList<Change> &changes, QString *error)
{
    if (m_journalFd < 0) {
        if (error)
            *error = QStringLiteral("the journal %1 is not open").arg(journalPath());
        return false;
    }
    QByteArray out;
    for (const Change &change : changes) {
        out += "{\"id\":" + jsonString(change.id.toUtf8()) + ",\"client\":";
        if (change.client)
            appendClientJson(&out, *change.client);
        else
            out += "null";
        out += "}\n";
    }
    if (!writeAll(m_journalFd, out.constData(), out.size()) || ::fdatasync(m_journalFd) != 0) {
        const int code = errno;
        if (error)
            *error = QStringLiteral("cannot write %1 (%2)").arg(journalPath(), errnoText(code));
        closeJournal(); // what it holds now is uncertain: the next write is a new snapshot
        return false;
    }
    m_journalBytes += out.size();
    return true;
}

bool FileSubscriptionStore::wantsCompaction() const
{
    return m_journalFd < 0 || m_journalBytes > qMax<qint64>(1024 * 1024, m_snapshotBytes);
}

} // namespace ssehub
