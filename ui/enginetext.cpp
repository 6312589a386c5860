#include "enginetext.h"

#include <QRegularExpression>

#include <vector>

namespace ssehub {

namespace {

// The engine's messages as server/ writes them (%1... are its arguments). A template is the
// English text exactly: when the engine's wording changes, tst_consolekeys' engineTexts test
// (which produces the messages with the real engine code) says which entry to update.
const char *const messages[] = {
    // Publish validation (server/api/publishrequest.cpp, server/proto/topicfilter.cpp)
    QT_TRANSLATE_NOOP("EngineText", "topic is empty"),
    QT_TRANSLATE_NOOP("EngineText", "topic is longer than %1 bytes"),
    QT_TRANSLATE_NOOP("EngineText", "topic contains a control character"),
    QT_TRANSLATE_NOOP("EngineText", "topic contains a space"),
    QT_TRANSLATE_NOOP("EngineText", "topic is not valid UTF-8"),
    QT_TRANSLATE_NOOP("EngineText",
                      "topic contains a wildcard ('+' or '#'); wildcards are only "
                      "for subscription filters"),
    QT_TRANSLATE_NOOP("EngineText", "type is empty"),
    QT_TRANSLATE_NOOP("EngineText", "type is longer than %1 bytes"),
    QT_TRANSLATE_NOOP("EngineText", "type contains a control character"),
    QT_TRANSLATE_NOOP("EngineText", "type contains a space"),
    QT_TRANSLATE_NOOP("EngineText", "type is not valid UTF-8"),
    QT_TRANSLATE_NOOP("EngineText", "type '%1' is reserved for the server"),
    QT_TRANSLATE_NOOP("EngineText", "\"topic\" is missing or not a string"),
    QT_TRANSLATE_NOOP("EngineText", "\"type\" must be a string"),
    QT_TRANSLATE_NOOP("EngineText", "\"payload\" is missing"),
    // Filters (live tail, subscriptions)
    QT_TRANSLATE_NOOP("EngineText", "filter is empty"),
    QT_TRANSLATE_NOOP("EngineText", "filter is longer than %1 bytes"),
    QT_TRANSLATE_NOOP("EngineText", "filter contains a control character"),
    QT_TRANSLATE_NOOP("EngineText", "filter is not valid UTF-8"),
    QT_TRANSLATE_NOOP("EngineText", "filter '%1': '#' must be the last level"),
    QT_TRANSLATE_NOOP("EngineText", "filter '%1': a wildcard must fill a whole level"),
    QT_TRANSLATE_NOOP("EngineText", "%1 live tails are open already; stop one first"),
    // Client ids
    QT_TRANSLATE_NOOP("EngineText", "client_id is empty"),
    QT_TRANSLATE_NOOP("EngineText", "client_id is longer than %1 bytes"),
    QT_TRANSLATE_NOOP("EngineText", "client_id contains a control character"),
    QT_TRANSLATE_NOOP("EngineText", "client_id is not valid UTF-8"),
    // Answers to the operator's actions (server/engine, server/hub, the HTTP front)
    QT_TRANSLATE_NOOP("EngineText", "the engine is not running"),
    QT_TRANSLATE_NOOP("EngineText", "no stream with id %1"),
    QT_TRANSLATE_NOOP("EngineText", "no client with id '%1'"),
    QT_TRANSLATE_NOOP("EngineText", "client '%1' has no subscription '%2'"),
    QT_TRANSLATE_NOOP("EngineText", "nothing to reload: no --acl or --jwt-secret-file"),
    QT_TRANSLATE_NOOP("EngineText", "%1 - the previous rules stay in force"),
    QT_TRANSLATE_NOOP("EngineText",
                      "access rules reloaded; %1 subscription(s) no longer allowed "
                      "were removed; %2 stream(s) whose credentials no longer hold "
                      "were ended"),
    QT_TRANSLATE_NOOP("EngineText", "this route needs the admin role"),
    QT_TRANSLATE_NOOP("EngineText", "body of %1 bytes is larger than the limit of %2 bytes"),
    QT_TRANSLATE_NOOP("EngineText", "Redis at %1 is unavailable; the event was not accepted"),
    QT_TRANSLATE_NOOP("EngineText", "Redis at %1 became unavailable; the event was not accepted"),
    QT_TRANSLATE_NOOP("EngineText",
                      "not ready: Redis at %1 is unavailable (%2); the event was "
                      "not accepted, retry later"),
    QT_TRANSLATE_NOOP("EngineText", "Redis at %1 did not confirm the event: %2"),
    // Presence (server/redis/clusterpresence.cpp, server/engine/enginepresence.cpp)
    QT_TRANSLATE_NOOP("EngineText",
                      "Redis is unreachable: the other instances' presence cannot be read now"),
    QT_TRANSLATE_NOOP("EngineText",
                      "the other instances' presence could not be read from Redis: %1"),
    QT_TRANSLATE_NOOP("EngineText", "'%1' is not a topic or filter"),
    // Start errors and start problems (server/engine, server/http, server/observe)
    QT_TRANSLATE_NOOP("EngineText", "cannot listen on %1:%2: %3"),
    QT_TRANSLATE_NOOP("EngineText", "HTTPS needs both --tls-cert and --tls-key"),
    QT_TRANSLATE_NOOP("EngineText", "no PEM certificate in %1"),
    QT_TRANSLATE_NOOP("EngineText", "cannot read the TLS key %1: %2"),
    QT_TRANSLATE_NOOP("EngineText", "no unencrypted PEM RSA or EC private key in %1"),
    QT_TRANSLATE_NOOP("EngineText", "no PEM certificate in the client CA file %1"),
    QT_TRANSLATE_NOOP("EngineText", "cannot read the JWT secret file %1: %2"),
    QT_TRANSLATE_NOOP("EngineText",
                      "the JWT secret in %1 is %2 bytes; HS256 needs at least 32 "
                      "(e.g. head -c 48 /dev/urandom | base64 > %1)"),
    QT_TRANSLATE_NOOP("EngineText",
                      "cannot open the log file %1: %2 (check --log-file and the "
                      "directory's permissions)"),
    QT_TRANSLATE_NOOP("EngineText", "cannot create the data directory %1 (--data-dir)"),
    QT_TRANSLATE_NOOP("EngineText",
                      "cannot lock the data directory %1 (--data-dir): check that it is writable"),
    QT_TRANSLATE_NOOP("EngineText",
                      "the data directory %1 is in use by another ssehub (process %2 on %3); "
                      "give each instance its own --data-dir, or --data-dir '' to keep "
                      "subscriptions in memory only"),
    QT_TRANSLATE_NOOP("EngineText",
                      "invalid Redis URL '%1': %2 (expected "
                      "redis://[:password@]host[:port][/db])"),
    QT_TRANSLATE_NOOP("EngineText",
                      "listening on %1 without authentication: anyone who can reach "
                      "it can subscribe, publish and use the admin routes; set "
                      "--jwt-secret-file and --acl, or listen on 127.0.0.1"),
    QT_TRANSLATE_NOOP("EngineText",
                      "--cors-origin '*' on a hub without authentication: any web "
                      "page opened in a browser that can reach this hub can "
                      "subscribe, publish and use the admin routes through it; name "
                      "the allowed origins, or set --jwt-secret-file and --acl"),
    // Broker states (server/broker, server/redis)
    QT_TRANSLATE_NOOP("EngineText", "embedded"),
    QT_TRANSLATE_NOOP("EngineText", "redis %1 connected"),
    QT_TRANSLATE_NOOP("EngineText", "redis %1 catching up"),
    QT_TRANSLATE_NOOP("EngineText", "redis %1 unavailable: %2"),
    QT_TRANSLATE_NOOP("EngineText", "connecting"),
    // Log details the console shows as they are
    QT_TRANSLATE_NOOP("EngineText",
                      "Redis at %1 was unreachable from %2 to %3 (%4 s); %5 "
                      "publishes refused meanwhile"),
};

// Log reason codes (the API's, docs/API.md "Connection log"), shown as labels.
const char *const reasons[][2] = {
    {"client-closed", QT_TRANSLATE_NOOP("EngineText", "client closed")},
    {"dead", QT_TRANSLATE_NOOP("EngineText", "dead peer")},
    {"slow-consumer", QT_TRANSLATE_NOOP("EngineText", "slow consumer")},
    {"write-failed", QT_TRANSLATE_NOOP("EngineText", "write failed")},
    {"kicked", QT_TRANSLATE_NOOP("EngineText", "disconnected by an operator")},
    {"server-shutdown", QT_TRANSLATE_NOOP("EngineText", "server shutdown")},
    {"restart", QT_TRANSLATE_NOOP("EngineText", "server restart")},
    {"auth-expired", QT_TRANSLATE_NOOP("EngineText", "credentials expired")},
    {"stream", QT_TRANSLATE_NOOP("EngineText", "by a stream")},
    {"api", QT_TRANSLATE_NOOP("EngineText", "by the API")},
    {"acl", QT_TRANSLATE_NOOP("EngineText", "access rules")},
    {"renewed", QT_TRANSLATE_NOOP("EngineText", "renewed")},
    {"paused", QT_TRANSLATE_NOOP("EngineText", "paused")},
    {"resumed", QT_TRANSLATE_NOOP("EngineText", "resumed")},
    {"expires_at", QT_TRANSLATE_NOOP("EngineText", "expired")},
    {"expired for the archive period", QT_TRANSLATE_NOOP("EngineText", "archived")},
    {"expired for the delete period", QT_TRANSLATE_NOOP("EngineText", "deleted")},
    {"redis-unreachable", QT_TRANSLATE_NOOP("EngineText", "Redis unreachable")},
    {"redis-data-lost", QT_TRANSLATE_NOOP("EngineText", "Redis lost its data")},
};

// Subscription states (server/hub/client.cpp Subscription::stateName).
const char *const states[][2] = {
    {"active", QT_TRANSLATE_NOOP("EngineText", "active")},
    {"paused", QT_TRANSLATE_NOOP("EngineText", "paused")},
    {"expired", QT_TRANSLATE_NOOP("EngineText", "expired")},
    {"archived", QT_TRANSLATE_NOOP("EngineText", "archived")},
};

struct Pattern
{
    const char *source;
    QRegularExpression match; // anchored; one group per placeholder
    QList<int> numbers; // the placeholder number of each group
    QList<bool> quoted; // the placeholder is a quoted name: never translated itself
};

const std::vector<Pattern> &patterns()
{
    static const std::vector<Pattern> all = [] {
        std::vector<Pattern> out;
        static const QRegularExpression placeholder(QStringLiteral("%(\\d)"));
        for (const char *source : messages) {
            const QString text = QString::fromUtf8(source);
            Pattern p {source, {}, {}, {}};
            QString regex = QStringLiteral("^");
            qsizetype at = 0;
            QList<int> seen;
            for (auto it = placeholder.globalMatch(text); it.hasNext();) {
                const QRegularExpressionMatch m = it.next();
                regex += QRegularExpression::escape(text.mid(at, m.capturedStart() - at));
                const int number = m.captured(1).toInt();
                if (const qsizetype earlier = seen.indexOf(number); earlier >= 0) {
                    regex += QStringLiteral("\\%1").arg(earlier + 1); // the same argument again
                } else {
                    regex += QStringLiteral("(.+?)");
                    seen << number;
                    p.numbers << number;
                    p.quoted << (m.capturedStart() > 0
                                 && text.at(m.capturedStart() - 1) == QLatin1Char('\''));
                }
                at = m.capturedEnd();
            }
            regex += QRegularExpression::escape(text.mid(at)) + QStringLiteral("$");
            p.match = QRegularExpression(regex, QRegularExpression::DotMatchesEverythingOption);
            out.push_back(std::move(p));
        }
        return out;
    }();
    return all;
}

QString translated(const QString &english, int depth)
{
    if (english.isEmpty() || depth > 3)
        return english;
    for (const Pattern &p : patterns()) {
        const QRegularExpressionMatch m = p.match.match(english);
        if (!m.hasMatch())
            continue;
        const QString target = QCoreApplication::translate("EngineText", p.source);
        QString out;
        out.reserve(target.size() + english.size());
        for (qsizetype i = 0; i < target.size(); ++i) {
            if (target.at(i) == QLatin1Char('%') && i + 1 < target.size()
                && target.at(i + 1).isDigit()) {
                const qsizetype group = p.numbers.indexOf(target.at(i + 1).digitValue());
                if (group >= 0) {
                    const QString arg = m.captured(int(group) + 1);
                    out += p.quoted.at(group) ? arg : translated(arg, depth + 1);
                    ++i;
                    continue;
                }
            }
            out += target.at(i);
        }
        return out;
    }
    return english;
}

} // namespace

QString EngineText::translate(const QString &english)
{
    return translated(english, 0);
}

bool EngineText::isKnown(const QString &english)
{
    for (const Pattern &p : patterns()) {
        if (p.match.match(english).hasMatch())
            return true;
    }
    return false;
}

QString EngineText::logReason(const QString &code)
{
    for (const auto &[name, label] : reasons) {
        if (code == QLatin1String(name))
            return QCoreApplication::translate("EngineText", label);
    }
    return translate(code);
}

QString EngineText::subscriptionState(const QString &state)
{
    for (const auto &[name, label] : states) {
        if (state == QLatin1String(name))
            return QCoreApplication::translate("EngineText", label);
    }
    return state;
}

} // namespace ssehub
