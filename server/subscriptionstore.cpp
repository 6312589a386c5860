#include "subscriptionstore.h"

#include "event.h"

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

QByteArray FileSubscriptionStore::serialize(const QHash<QString, Client> &clients)
{
    // Written by hand, one client after the other: a QJsonObject of every client would sort its
    // keys on every insertion (quadratic in the number of clients).
    QByteArray out;
    out.reserve(64 + clients.size() * 160);
    out += "{\"version\":1,\"clients\":{";
    bool first = true;
    for (auto it = clients.cbegin(); it != clients.cend(); ++it) {
        if (!first)
            out += ',';
        first = false;
        out += jsonString(it.key().toUtf8());
        out += ':';
        out += QJsonDocument(it.value().toJson()).toJson(QJsonDocument::Compact);
    }
    out += "}}";
    return out;
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

} // namespace

bool FileSubscriptionStore::save(const QHash<QString, Client> &clients, QString *error)
{
    return writeDurably(serialize(clients), error);
}

bool FileSubscriptionStore::writeDurably(const QByteArray &data, QString *error)
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
    const int dirFd = ::open(QFile::encodeName(dir).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirFd < 0)
        return fail("open directory", errno);
    const int synced = ::fsync(dirFd);
    const int code = errno;
    ::close(dirFd);
    if (synced != 0)
        return fail("fsync directory", code);
    return true;
}

} // namespace ssehub
