#include "observe/connectionlog.h"

#include "core/clock.h"
#include "core/logcategories.h"

#include <QDateTime>
#include <QHostAddress>

#include <algorithm>
#include <limits>

namespace ssehub {

namespace {

// A value in the text log: as it is when it is one plain word (the engine's own reasons), else
// quoted with \ and " escaped, so that free text (an operator's kick reason) cannot pose as
// more fields of the line.
QString logValue(const QString &value)
{
    const bool plain = std::all_of(value.cbegin(), value.cend(), [](QChar c) {
        return c.isLetterOrNumber() || c == QLatin1Char('-') || c == QLatin1Char('_')
            || c == QLatin1Char('.') || c == QLatin1Char(':') || c == QLatin1Char('/');
    });
    if (plain)
        return value;
    QString quoted = value;
    quoted.replace(QLatin1Char('\\'), QLatin1String("\\\\"));
    quoted.replace(QLatin1Char('"'), QLatin1String("\\\""));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

} // namespace

QString LogEntry::kindName(Kind kind)
{
    switch (kind) {
    case Kind::Connect:
        return QStringLiteral("connect");
    case Kind::Disconnect:
        return QStringLiteral("disconnect");
    case Kind::SlowConsumer:
        return QStringLiteral("slow-consumer");
    case Kind::Kick:
        return QStringLiteral("kick");
    case Kind::Subscribe:
        return QStringLiteral("subscribe");
    case Kind::Unsubscribe:
        return QStringLiteral("unsubscribe");
    case Kind::Transition:
        return QStringLiteral("transition");
    case Kind::AuthFailure:
        return QStringLiteral("auth-failure");
    case Kind::Broker:
        return QStringLiteral("broker");
    case Kind::Engine:
        return QStringLiteral("engine");
    case Kind::Alarm:
        return QStringLiteral("alarm");
    }
    return {};
}

bool LogEntry::kindFromName(QStringView name, Kind *kind)
{
    for (int i = 0; i < KindCount; ++i) {
        if (name == kindName(Kind(i))) {
            *kind = Kind(i);
            return true;
        }
    }
    return false;
}

QJsonObject LogEntry::toJson() const
{
    QJsonObject o;
    o.insert(QStringLiteral("time"),
             QDateTime::fromMSecsSinceEpoch(time, Qt::UTC).toString(Qt::ISODateWithMs));
    o.insert(QStringLiteral("kind"), kindName(kind));
    o.insert(QStringLiteral("connection"), QString::number(connectionId));
    o.insert(QStringLiteral("client_id"), clientId);
    o.insert(QStringLiteral("remote"), remoteAddress);
    o.insert(QStringLiteral("user_agent"), userAgent);
    o.insert(QStringLiteral("reason"), reason);
    o.insert(QStringLiteral("detail"), detail);
    o.insert(QStringLiteral("count"), qint64(count));
    if (!node.isEmpty()) // a console's export of a cluster
        o.insert(QStringLiteral("node"), node);
    return o;
}

QString LogEntry::clipped(const QString &text, qsizetype maxBytes)
{
    // A UTF-16 code unit is at most 3 bytes of UTF-8: most fields need no conversion to check.
    if (text.size() * 3 <= maxBytes)
        return text;
    const QByteArray utf8 = text.toUtf8();
    if (utf8.size() <= maxBytes)
        return text;
    // Room for the marker ("... (+N bytes)", N up to 19 digits), cut at a character boundary.
    qsizetype cut = qMax<qsizetype>(maxBytes - 32, 0);
    while (cut > 0 && (uchar(utf8.at(cut)) & 0xC0) == 0x80)
        --cut;
    return QString::fromUtf8(utf8.left(cut))
        + QStringLiteral("... (+%1 bytes)").arg(utf8.size() - cut);
}

QString LogEntry::listText(const QList<QByteArray> &items, qsizetype maxBytes)
{
    // Room for the marker (" ... (+N more)", N up to 10 digits) unless everything fits.
    const qsizetype room = qMax<qsizetype>(maxBytes - 24, 0);
    QByteArray out;
    qsizetype i = 0;
    for (; i < items.size(); ++i) {
        const qsizetype grown = out.size() + (i ? 1 : 0) + items.at(i).size();
        const bool last = i + 1 == items.size();
        if (grown > room && !(last && grown <= maxBytes))
            break;
        if (i)
            out += ' ';
        out += items.at(i);
    }
    QString text = QString::fromUtf8(out);
    if (i < items.size())
        text += (out.isEmpty() ? QString() : QStringLiteral(" "))
            + QStringLiteral("... (+%1 more)").arg(items.size() - i);
    return text;
}

QString LogEntry::hostOf(const QString &remote)
{
    if (remote.startsWith(QLatin1Char('['))) {
        const qsizetype end = remote.indexOf(QLatin1Char(']'));
        return end > 0 ? remote.mid(1, end - 1) : remote;
    }
    const qsizetype colon = remote.lastIndexOf(QLatin1Char(':'));
    if (colon < 0)
        return remote;
    const QStringView port = QStringView(remote).mid(colon + 1);
    const bool digits = !port.isEmpty() && port.size() <= 5
        && std::all_of(port.begin(), port.end(), [](QChar c) { return c.isDigit(); });
    if (!digits)
        return remote;
    if (remote.indexOf(QLatin1Char(':')) == colon)
        return remote.left(colon); // IPv4 address or host name, and a port
    // An IPv6 address and a port, written without brackets (QHostAddress::toString() + ":" +
    // port): the part before the last colon must be an address itself.
    const QString left = remote.left(colon);
    return QHostAddress(left).isNull() ? remote : left;
}

void LogEntry::bound()
{
    clientId = clipped(clientId, MaxFieldBytes);
    remoteAddress = clipped(remoteAddress, MaxFieldBytes);
    userAgent = clipped(userAgent, MaxFieldBytes);
    reason = clipped(reason, MaxFieldBytes);
    detail = clipped(detail, MaxDetailBytes);
}

qsizetype LogEntry::bytes() const
{
    return qsizetype(sizeof(LogEntry))
        + 2
        * (clientId.size() + remoteAddress.size() + userAgent.size() + reason.size()
           + detail.size());
}

ConnectionLog::ConnectionLog(qsizetype capacity, QObject *parent)
    : ConnectionLog(Limits {capacity}, parent)
{
}

ConnectionLog::ConnectionLog(const Limits &limits, QObject *parent)
    : QObject(parent)
    , m_limits(limits)
{
    m_limits.capacity = qMax<qsizetype>(m_limits.capacity, 1);
    m_limits.maxOpenWindows = qMax(m_limits.maxOpenWindows, 1);
    m_windowTimer.setSingleShot(true);
    // A coarse timer may fire a little early: what is not due yet is scheduled again.
    connect(&m_windowTimer, &QTimer::timeout, this, [this] {
        closeDue(Clock::wallMs());
        scheduleClose();
    });
}

ConnectionLog::~ConnectionLog() = default;

void ConnectionLog::append(LogEntry entry)
{
    using Kind = LogEntry::Kind;
    if (entry.time == 0)
        entry.time = Clock::wallMs();
    entry.bound();
    // Routine connects and closes go to debug; what an operator may need to act on to info.
    // The line is only formatted when its level is enabled (connect storms are hot paths).
    const bool routine = entry.kind == Kind::Connect || entry.kind == Kind::Subscribe
        || entry.kind == Kind::Unsubscribe || entry.kind == Kind::Transition
        || entry.kind == Kind::AuthFailure // HttpFront logs those itself
        || entry.kind == Kind::Broker // RedisBroker logs those itself, as warnings
        || entry.kind == Kind::Engine // the engine logs its start and stop itself
        || entry.kind == Kind::Alarm // the engine logs those itself, as warnings
        || (entry.kind == Kind::Disconnect
            && (entry.reason == QLatin1String("client-closed")
                || entry.reason == QLatin1String("server-shutdown")
                || entry.reason == QLatin1String("restart")));
    if (routine ? lcSse().isDebugEnabled() : lcSse().isInfoEnabled()) {
        const QString line = LogEntry::kindName(entry.kind) + QStringLiteral(" connection ")
            + QString::number(entry.connectionId) + QStringLiteral(" remote ") + entry.remoteAddress
            + (entry.reason.isEmpty() ? QString() : QStringLiteral(" reason=") + logValue(entry.reason))
            + (entry.detail.isEmpty() ? QString() : QStringLiteral(" ") + entry.detail);
        if (routine)
            qCDebug(lcSse).noquote() << line;
        else
            qCInfo(lcSse).noquote() << line;
    }
    if (entry.kind == Kind::AuthFailure && m_limits.coalesceMs > 0) {
        coalesce(entry);
        return;
    }
    push(entry);
    Q_EMIT appended(entry);
}

void ConnectionLog::push(const LogEntry &entry)
{
    m_entries.push_back(entry);
    m_entries.back().seq = m_total + 1;
    m_bytes += entry.bytes();
    while (m_entries.size() > 1
           && (qsizetype(m_entries.size()) > m_limits.capacity || m_bytes > m_limits.maxBytes)) {
        m_bytes -= m_entries.front().bytes();
        m_entries.pop_front();
    }
    ++m_total;
}

// Returns true when the entry was counted into an open window, false when it opened one.
bool ConnectionLog::coalesce(LogEntry &entry)
{
    closeDue(entry.time);
    entry.remoteAddress = LogEntry::hostOf(entry.remoteAddress);
    QString key = entry.remoteAddress + QLatin1Char('\n') + entry.reason;
    auto it = m_windows.find(key);
    if (it == m_windows.end() && m_windows.size() >= m_limits.maxOpenWindows) {
        // Too many sources or reasons at once (spoofed ranges, varying client ids): one
        // shared entry, so that they cannot fill the log either.
        key = QStringLiteral("*");
        it = m_windows.find(key);
        if (it == m_windows.end()) {
            entry.remoteAddress = key;
            entry.clientId.clear();
            entry.reason = QStringLiteral("auth failures from more sources or reasons than are "
                                          "logged apart (%1 within %2 ms)")
                               .arg(m_limits.maxOpenWindows)
                               .arg(m_limits.coalesceMs);
        }
    }
    if (it != m_windows.end()) {
        ++it->entry.count;
        const quint64 first = m_total - quint64(m_entries.size());
        if (it->number >= first)
            ++m_entries[size_t(it->number - first)].count;
        return true;
    }
    push(entry);
    m_windows.insert(key, Window {entry, m_total - 1, entry.time + m_limits.coalesceMs});
    scheduleClose();
    return false;
}

void ConnectionLog::closeDue(qint64 now)
{
    if (m_windows.isEmpty())
        return;
    QList<Window> due;
    for (auto it = m_windows.begin(); it != m_windows.end();) {
        if (it->endsAt <= now) {
            due.append(*it);
            it = m_windows.erase(it);
        } else {
            ++it;
        }
    }
    if (due.isEmpty())
        return;
    std::sort(due.begin(), due.end(),
              [](const Window &a, const Window &b) { return a.number < b.number; });
    scheduleClose();
    for (const Window &window : std::as_const(due))
        Q_EMIT appended(window.entry);
}

void ConnectionLog::closeWindows()
{
    closeDue(std::numeric_limits<qint64>::max());
}

void ConnectionLog::scheduleClose()
{
    if (m_windows.isEmpty()) {
        m_windowTimer.stop();
        return;
    }
    qint64 next = std::numeric_limits<qint64>::max();
    for (const Window &window : std::as_const(m_windows))
        next = qMin(next, window.endsAt);
    const qint64 wait = next - Clock::wallMs();
    m_windowTimer.start(int(qBound(qint64(0), wait, qint64(std::numeric_limits<int>::max()))));
}

QList<LogEntry> ConnectionLog::entries() const
{
    return QList<LogEntry>(m_entries.begin(), m_entries.end());
}

QList<LogEntry> ConnectionLog::entriesAfter(quint64 seenTotal) const
{
    const quint64 fresh = m_total > seenTotal ? m_total - seenTotal : 0;
    const auto count = qsizetype(qMin<quint64>(fresh, m_entries.size()));
    return QList<LogEntry>(m_entries.end() - count, m_entries.end());
}

} // namespace ssehub
