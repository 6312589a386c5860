// Parsing and writing option values: one place per kind of value (durations, sizes, counts,
// addresses) and the checks the option table names.
#include "api/configchecks_p.h"
#include "api/configschema.h"
#include "core/net.h"
#include "hub/client.h"
#include "proto/topicfilter.h"
#include "redis/redisbroker.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QRegularExpression>
#include <QUrl>

#include <algorithm>

namespace ssehub {

QString ConfigOption::environmentName() const
{
    return QStringLiteral("SSEHUB_")
        + QString::fromLatin1(name).toUpper().replace(QLatin1Char('-'), QLatin1Char('_'));
}

qint64 parseDurationMs(const QString &text)
{
    static const QRegularExpression re(
        QStringLiteral("^\\s*(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|d)?\\s*$"));
    const auto match = re.match(text);
    if (!match.hasMatch())
        return -1;
    const double value = match.captured(1).toDouble();
    const QString unit = match.captured(2);
    const double ms = unit == QLatin1String("ms") ? value
        : unit == QLatin1String("m")              ? value * 60000.0
        : unit == QLatin1String("h")              ? value * 3600000.0
        : unit == QLatin1String("d")              ? value * 86400000.0
                                                  : value * 1000.0;
    if (ms > 3650.0 * 86400 * 1000)
        return -1;
    return qint64(ms);
}

qint64 parseSize(const QString &text)
{
    static const QRegularExpression re(QStringLiteral("^\\s*(\\d+)\\s*([KkMmGg]i?[Bb]?)?\\s*$"));
    const auto match = re.match(text);
    if (!match.hasMatch())
        return -1;
    bool ok = false;
    qint64 value = match.captured(1).toLongLong(&ok);
    if (!ok)
        return -1;
    const QString unit = match.captured(2).toUpper();
    if (unit.startsWith(QLatin1Char('K')))
        value *= 1024;
    else if (unit.startsWith(QLatin1Char('M')))
        value *= 1024 * 1024;
    else if (unit.startsWith(QLatin1Char('G')))
        value *= 1024LL * 1024 * 1024;
    return value;
}

qint64 parseCount(const QString &text)
{
    bool ok = false;
    const qlonglong value = text.toLongLong(&ok);
    return ok ? value : -1;
}

QString durationText(qint64 ms)
{
    const std::pair<qint64, const char *> units[]
        = {{86400000, "d"}, {3600000, "h"}, {60000, "m"}, {1000, "s"}};
    for (const auto &[size, unit] : units) {
        if (ms > 0 && ms % size == 0)
            return QString::number(ms / size) + QLatin1String(unit);
    }
    return QString::number(ms) + QStringLiteral("ms");
}

QString sizeText(qint64 bytes)
{
    const std::pair<qint64, const char *> units[]
        = {{1024LL * 1024 * 1024, "G"}, {1024 * 1024, "M"}, {1024, "K"}};
    for (const auto &[size, unit] : units) {
        if (bytes > 0 && bytes % size == 0)
            return QString::number(bytes / size) + QLatin1String(unit);
    }
    return QString::number(bytes);
}

bool parseOptionValue(const ConfigOption &option, const QStringList &texts, const QString &where,
                      QVariant *value, QString *error)
{
    auto checked = [&](const QString &text) {
        if (option.check)
            *error = option.check(where, text);
        return !option.check || error->isEmpty();
    };
    const QString text = texts.value(texts.size() - 1);
    switch (option.type) {
    case OptionType::Flag:
        *value = true;
        return true;
    case OptionType::List:
        if (!std::all_of(texts.cbegin(), texts.cend(), checked))
            return false;
        *value = texts;
        return true;
    case OptionType::Address:
    case OptionType::Text:
        if (!checked(text))
            return false;
        *value = text;
        return true;
    case OptionType::Count:
    case OptionType::Duration:
    case OptionType::Size:
        break;
    }
    const qint64 number = option.type == OptionType::Duration ? parseDurationMs(text)
        : option.type == OptionType::Size                     ? parseSize(text)
                                                              : parseCount(text);
    if (number < option.min || number > option.max) {
        *error = QCoreApplication::translate("main", "%1 takes %2, not '%3'")
                     .arg(where, QCoreApplication::translate("main", option.takes), text);
        return false;
    }
    *value = number;
    return true;
}

namespace {

// A Redis URL with its password replaced.
QString maskedUrl(const QString &url)
{
    static const QRegularExpression password(QStringLiteral("^(redis://[^:@/]*:)[^@]*@"));
    QString masked = url;
    masked.replace(password, QStringLiteral("\\1***@"));
    return masked;
}

} // namespace

QJsonValue optionJson(const ConfigOption &option, const QVariant &value)
{
    switch (option.type) {
    case OptionType::Flag:
        return value.toBool();
    case OptionType::Count:
        return value.typeId() == QMetaType::Double ? QJsonValue(value.toDouble())
                                                   : QJsonValue(value.toLongLong());
    case OptionType::Duration:
        return durationText(value.toLongLong());
    case OptionType::Size:
        return sizeText(value.toLongLong());
    case OptionType::List:
        return QJsonArray::fromStringList(value.toStringList());
    case OptionType::Address:
    case OptionType::Text:
        break;
    }
    return option.hasPassword ? maskedUrl(value.toString()) : value.toString();
}

QString checkOptionCombination(const EngineConfig &config)
{
    const SubscriptionLifecycle &l = config.lifecycle;
    if (l.graceMs <= l.archiveAfterMs && l.archiveAfterMs <= l.deleteAfterMs)
        return {};
    return QCoreApplication::translate("main",
                                       "the subscription durations must satisfy "
                                       "grace <= archive-after <= delete-after");
}

QString redisUrlProblem(const QString &url)
{
    RedisConnection::Options parsed;
    QString error;
    RedisBroker::parseUrl(url, &parsed, &error);
    return error;
}

namespace configchecks {

bool parseListen(const QString &text, QHostAddress *address, quint16 *port)
{
    const qsizetype colon = text.lastIndexOf(QLatin1Char(':'));
    if (colon <= 0)
        return false;
    QString host = text.left(colon);
    if (host.startsWith(QLatin1Char('[')) && host.endsWith(QLatin1Char(']')))
        host = host.mid(1, host.size() - 2);
    bool ok = false;
    const uint value = text.mid(colon + 1).toUInt(&ok);
    if (!ok || value > 65535)
        return false;
    QHostAddress parsed;
    if (host == QLatin1String("localhost"))
        parsed = QHostAddress(QHostAddress::LocalHost);
    else if (host == QLatin1String("*"))
        parsed = QHostAddress(QHostAddress::Any);
    else if (!parsed.setAddress(host))
        return false;
    *address = parsed;
    *port = quint16(value);
    return true;
}

QString listenText(const QHostAddress &address, quint16 port)
{
    // "*" is what --listen takes for every address; hostPort() would write "[::]".
    if (address == QHostAddress(QHostAddress::Any))
        return QStringLiteral("*:") + QString::number(port);
    return hostPort(address, port);
}

QString listen(const QString &where, const QString &text)
{
    QHostAddress address;
    quint16 port = 0;
    if (parseListen(text, &address, &port))
        return {};
    return QCoreApplication::translate(
               "main", "%1 takes ADDR:PORT, e.g. 127.0.0.1:8080 or [::1]:8080, not '%2'")
        .arg(where, text);
}

QString topic(const QString &where, const QString &text)
{
    const QString problem = validateTopic(text.toUtf8());
    return problem.isEmpty() ? QString() : QStringLiteral("%1: %2").arg(where, problem);
}

QString filter(const QString &where, const QString &text)
{
    QString problem;
    TopicFilter::parse(text.toUtf8(), &problem);
    return problem.isEmpty() ? QString() : QStringLiteral("%1: %2").arg(where, problem);
}

QString redisUrl(const QString &where, const QString &text)
{
    const QString problem = text.isEmpty() ? QString() : redisUrlProblem(text);
    return problem.isEmpty() ? QString() : where + QStringLiteral(": ") + problem;
}

QString hostAndPort(const QString &where, const QString &text)
{
    RedisConnection::Options parsed;
    QString error;
    if (RedisConnection::useSentinels({text.toUtf8()}, "-", &parsed, &error)
        && !text.contains(QLatin1Char(' ')))
        return {};
    return QCoreApplication::translate("main", "%1 takes HOST:PORT, e.g. 10.0.0.5:26379, not '%2'")
        .arg(where, text);
}

QString redisPrefix(const QString &where, const QString &text)
{
    const QByteArray prefix = text.toUtf8();
    if (!prefix.isEmpty() && prefix.size() <= 64
        && std::none_of(prefix.cbegin(), prefix.cend(), [](char c) {
               return uchar(c) <= ' ' || c == '*' || c == '?' || c == '[' || c == ']' || c == '\\'
                   || c == '{' || c == '}';
           }))
        return {};
    return QCoreApplication::translate("main",
                                       "%1 takes 1 to 64 characters without spaces, glob "
                                       "characters (*?[]\\) or braces, not '%2'")
        .arg(where, text);
}

QString cookieName(const QString &where, const QString &text)
{
    const QByteArray name = text.toLatin1();
    if (!(name.isEmpty() || name.contains(';') || name.contains('=') || name.contains(' ')))
        return {};
    return QCoreApplication::translate("main", "%1 takes a cookie name, not '%2'").arg(where, text);
}

QString nodeId(const QString &where, const QString &text)
{
    // Empty: the default (host name and port).
    const QString problem = text.isEmpty() ? QString() : validateClientId(text.toUtf8());
    return problem.isEmpty() ? QString() : where + QStringLiteral(": ") + problem;
}

QString adminUrl(const QString &where, const QString &text)
{
    if (text.isEmpty())
        return {};
    const QUrl url(text, QUrl::StrictMode);
    if (url.isValid()
        && (url.scheme() == QLatin1String("http") || url.scheme() == QLatin1String("https"))
        && !url.host().isEmpty() && url.userInfo().isEmpty() && !url.hasQuery()
        && !url.hasFragment())
        return {};
    return QCoreApplication::translate("main",
                                       "%1 must be an http:// or https:// URL with a host and "
                                       "without credentials, query or fragment, not '%2'")
        .arg(where, text);
}

QString serviceUrl(const QString &where, const QString &text)
{
    if (text.isEmpty())
        return {};
    const QUrl url(text, QUrl::StrictMode);
    if (url.isValid()
        && (url.scheme() == QLatin1String("http") || url.scheme() == QLatin1String("https"))
        && !url.host().isEmpty() && url.userInfo().isEmpty() && !url.hasFragment())
        return {};
    return QCoreApplication::translate("main",
                                       "%1 must be an http:// or https:// URL with a host and "
                                       "without credentials or fragment, not '%2'")
        .arg(where, text);
}

QString logFormat(const QString &where, const QString &text)
{
    if (text == QLatin1String("text") || text == QLatin1String("json"))
        return {};
    return QCoreApplication::translate("main", "%1 takes text or json, not '%2'").arg(where, text);
}

QString logLevel(const QString &where, const QString &text)
{
    if (QStringList {QStringLiteral("debug"), QStringLiteral("info"), QStringLiteral("warning"),
                     QStringLiteral("error")}
            .contains(text))
        return {};
    return QCoreApplication::translate("main", "%1 takes debug, info, warning or error, not '%2'")
        .arg(where, text);
}

} // namespace configchecks

} // namespace ssehub
