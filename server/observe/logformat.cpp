#include "observe/logformat.h"

#include <QDateTime>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSaveFile>

#include <algorithm>

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

QByteArray logCsvHeader(bool withNode)
{
    return withNode ? QByteArrayLiteral(
               "time,kind,connection,client_id,remote,user_agent,reason,detail,count,node\r\n")
                    : QByteArrayLiteral(
                        "time,kind,connection,client_id,remote,user_agent,reason,detail,count\r\n");
}

QByteArray logCsvRow(const LogEntry &entry, bool withNode)
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
    if (withNode)
        appendCell(line, entry.node);
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
        const bool withNode = std::any_of(entries.begin(), entries.end(),
                                          [](const LogEntry &e) { return !e.node.isEmpty(); });
        out = QByteArrayLiteral("\xEF\xBB\xBF") + logCsvHeader(withNode);
        for (const LogEntry &entry : entries)
            out += logCsvRow(entry, withNode);
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

} // namespace ssehub
