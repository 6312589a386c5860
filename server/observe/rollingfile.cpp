#include "observe/rollingfile.h"

#include "core/logcategories.h"
#include "observe/logformat.h"

namespace ssehub {

RollingLogFile::RollingLogFile(const QString &path, qint64 maxBytes, int keep, QObject *parent)
    : QObject(parent)
    , m_file(path)
    , m_maxBytes(qMax<qint64>(maxBytes, 4096))
    , m_keep(qMax(keep, 1))
{
    m_flush.setInterval(1000);
    connect(&m_flush, &QTimer::timeout, this, &RollingLogFile::flush);
}

RollingLogFile::~RollingLogFile()
{
    flush();
}

bool RollingLogFile::open(QString *error)
{
    if (!m_file.open(QIODevice::WriteOnly | QIODevice::Append)) {
        *error = QStringLiteral("cannot open the log file %1: %2 (check --log-file and the "
                                "directory's permissions)")
                     .arg(m_file.fileName(), m_file.errorString());
        return false;
    }
    m_size = m_file.size();
    m_flush.start();
    return true;
}

void RollingLogFile::append(const LogEntry &entry)
{
    if (!m_file.isOpen())
        return;
    const QByteArray line = logJsonLine(entry);
    if (m_size > 0 && m_size + line.size() > m_maxBytes)
        rotate();
    if (!m_file.isOpen())
        return;
    if (m_file.write(line) != line.size()) {
        if (m_problem.isEmpty())
            qCWarning(lcEngine).noquote()
                << "log file" << m_file.fileName() << "is not written:" << m_file.errorString()
                << "- free space or fix permissions";
        m_problem = m_file.errorString();
        return;
    }
    m_size += line.size();
}

void RollingLogFile::flush()
{
    if (m_file.isOpen())
        m_file.flush();
}

void RollingLogFile::rotate()
{
    const QString base = m_file.fileName();
    m_file.close();
    QFile::remove(base + QLatin1Char('.') + QString::number(m_keep));
    for (int i = m_keep - 1; i >= 1; --i)
        QFile::rename(base + QLatin1Char('.') + QString::number(i),
                      base + QLatin1Char('.') + QString::number(i + 1));
    QFile::rename(base, base + QStringLiteral(".1"));
    m_size = 0;
    if (!m_file.open(QIODevice::WriteOnly | QIODevice::Append)) {
        m_problem = m_file.errorString();
        qCWarning(lcEngine).noquote()
            << "log file" << base << "cannot be reopened after rotation:" << m_problem
            << "- logging to it stops";
    }
}

} // namespace ssehub
