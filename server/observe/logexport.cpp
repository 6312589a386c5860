#include "observe/logexport.h"

#include "core/logcategories.h"

#include <QDateTime>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSaveFile>

namespace ssehub {

bool logFormatFromName(QStringView name, LogFormat *format)
{
    if (name == QLatin1String("csv")) {
        *format = LogFormat::Csv;
        return true;
    }
    if (name == QLatin1String("jsonl") || name == QLatin1String("ndjson")) {
        *format = LogFormat::JsonLines;
        return true;
    }
    return false;
}

LogFormat logFormatForPath(const QString &path)
{
    return QFileInfo(path).suffix().compare(QLatin1String("csv"), Qt::CaseInsensitive) == 0
        ? LogFormat::Csv
        : LogFormat::JsonLines;
}

namespace {

QByteArray isoTime(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs).toLatin1();
}

void appendCell(QByteArray &line, const QString &text)
{
    QByteArray cell = text.toUtf8();
    if (!cell.isEmpty()
        && (cell[0] == '=' || cell[0] == '+' || cell[0] == '-' || cell[0] == '@' || cell[0] == '\t'
            || cell[0] == '\r'))
        cell.prepend('\'');
    if (!line.isEmpty())
        line += ',';
    // ';' too: spreadsheets set to a semicolon list separator split on it.
    if (cell.contains(',') || cell.contains(';') || cell.contains('"') || cell.contains('\n')
        || cell.contains('\r')) {
        cell.replace("\"", "\"\"");
        line += '"' + cell + '"';
    } else {
        line += cell;
    }
}

} // namespace

QByteArray logCsvHeader()
{
    return QByteArrayLiteral(
        "time,kind,connection,client_id,remote,user_agent,reason,detail,count\r\n");
}

QByteArray logCsvRow(const LogEntry &entry)
{
    QByteArray line = isoTime(entry.time);
    appendCell(line, LogEntry::kindName(entry.kind));
    appendCell(line, QString::number(entry.connectionId));
    appendCell(line, entry.clientId);
    appendCell(line, entry.remoteAddress);
    appendCell(line, entry.userAgent);
    appendCell(line, entry.reason);
    appendCell(line, entry.detail);
    appendCell(line, QString::number(entry.count));
    return line + "\r\n";
}

QByteArray logJsonLine(const LogEntry &entry)
{
    return QJsonDocument(entry.toJson()).toJson(QJsonDocument::Compact) + '\n';
}

QByteArray exportLog(const QList<LogEntry> &entries, LogFormat format)
{
    QByteArray out;
    if (format == LogFormat::Csv) {
        out = QByteArrayLiteral("\xEF\xBB\xBF") + logCsvHeader();
        for (const LogEntry &entry : entries)
            out += logCsvRow(entry);
    } else {
        for (const LogEntry &entry : entries)
            out += logJsonLine(entry);
    }
    return out;
}

bool writeLogExport(const QString &path, const QList<LogEntry> &entries, LogFormat format,
                    QString *error)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        *error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    file.write(exportLog(entries, format));
    if (!file.commit()) {
        *error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

bool LogQuery::matches(const LogEntry &entry) const
{
    return (kinds.isEmpty() || kinds.contains(entry.kind))
        && (client.isEmpty() || entry.clientId == client) && entry.time >= sinceMs
        && (untilMs == 0 || entry.time < untilMs);
}

QList<LogEntry> LogQuery::apply(const QList<LogEntry> &entries) const
{
    QList<LogEntry> out;
    for (const LogEntry &entry : entries) {
        if (matches(entry))
            out.append(entry);
    }
    if (limit > 0 && out.size() > limit)
        out.remove(0, out.size() - limit);
    return out;
}

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
