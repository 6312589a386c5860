#include "overviewview.h"

#include "format.h"
#include "statecolors.h"
#include "widgets/sparkline.h"
#include "widgets/throughputhistory.h"

#include <QEvent>
#include <QGridLayout>
#include <QGroupBox>
#include <QLabel>
#include <QScrollArea>
#include <QVBoxLayout>

namespace ssehub {

namespace {

// Resource tiles: amber from this share of the limit, red from the second (or while the
// server's alarm for it is raised).
constexpr int AmberPercent = 70;
constexpr int RedPercent = 90;
// Queued bytes against what every stream may queue.
constexpr int QueueAmberPercent = 10;
constexpr int QueueRedPercent = 25;

int percentOf(qint64 value, qint64 limit)
{
    return limit > 0 && value >= 0 ? int(value * 100 / limit) : -1;
}

OverviewView::Level levelFor(int percent, int amber, int red)
{
    return percent >= red  ? OverviewView::Level::Red
        : percent >= amber ? OverviewView::Level::Amber
                           : OverviewView::Level::Normal;
}

// What the console says of a count's name from the server ("unknown_key", "timeout"); a name
// it does not know (a newer server's) as it came.
QString tokenCheckText(const QString &name)
{
    static const QHash<QString, const char *> texts {
        {QStringLiteral("verified"), QT_TRANSLATE_NOOP("ssehub::OverviewView", "verified")},
        {QStringLiteral("malformed"), QT_TRANSLATE_NOOP("ssehub::OverviewView", "malformed")},
        {QStringLiteral("algorithm"),
         QT_TRANSLATE_NOOP("ssehub::OverviewView", "algorithm not accepted")},
        {QStringLiteral("unknown_key"), QT_TRANSLATE_NOOP("ssehub::OverviewView", "unknown key")},
        {QStringLiteral("bad_signature"),
         QT_TRANSLATE_NOOP("ssehub::OverviewView", "bad signature")},
        {QStringLiteral("expired"), QT_TRANSLATE_NOOP("ssehub::OverviewView", "expired")},
        {QStringLiteral("claims"), QT_TRANSLATE_NOOP("ssehub::OverviewView", "claims")},
        {QStringLiteral("no_key_set"),
         QT_TRANSLATE_NOOP("ssehub::OverviewView", "no key set to check with")},
    };
    const char *text = texts.value(name);
    return text ? OverviewView::tr(text) : name;
}

// Counts in the order of `order`, then any other (a newer server's), zeros left out:
// "expired 3 · bad signature 1".
QString countsText(const QMap<QString, quint64> &counts, const QStringList &order,
                   QString (*text)(const QString &))
{
    QStringList parts;
    QStringList names = order;
    for (auto it = counts.cbegin(); it != counts.cend(); ++it) {
        if (!names.contains(it.key()))
            names << it.key();
    }
    for (const QString &name : std::as_const(names)) {
        if (const quint64 n = counts.value(name))
            parts << QStringLiteral("%1 %2").arg(text(name), formatCount(n));
    }
    return parts.join(QStringLiteral(" · "));
}

// An error as a tile shows it: one paragraph of at most 160 characters (the tooltip has it
// whole).
QString shortError(const QString &error)
{
    QString text = error.simplified();
    if (text.size() > 160)
        text = text.left(159) + QChar(0x2026);
    return text;
}

} // namespace

OverviewView::OverviewView(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("overviewView"));
    auto *inner = new QWidget;
    m_grid = new QGridLayout(inner);
    const QList<QPair<QString, QString>> figures {
        {QStringLiteral("connections"), tr("Open streams")},
        {QStringLiteral("clients"), tr("Clients")},
        {QStringLiteral("topics"), tr("Topics with events")},
        {QStringLiteral("eventsIn"), tr("Events in per second")},
        {QStringLiteral("eventsOut"), tr("Events out per second")},
        {QStringLiteral("bytesOut"), tr("Bytes out per second")},
        {QStringLiteral("slow"), tr("Slow-consumer closes")},
        {QStringLiteral("authFailures"), tr("Authentication failures")},
    };
    for (qsizetype i = 0; i < figures.size(); ++i)
        addTile(figures[i].first, figures[i].second, int(i / 4), int(i % 4), true);

    auto *heading = new QLabel(tr("Resources and limits"), inner);
    QFont bold = heading->font();
    bold.setBold(true);
    heading->setFont(bold);
    m_grid->addWidget(heading, 2, 0, 1, 4);
    const QList<QPair<QString, QString>> resources {
        {QStringLiteral("descriptors"), tr("File descriptors")},
        {QStringLiteral("streamLimit"), tr("Streams of the limit")},
        {QStringLiteral("historyEvents"), tr("History events")},
        {QStringLiteral("historyBytes"), tr("History bytes")},
        {QStringLiteral("queued"), tr("Bytes queued for streams")},
        {QStringLiteral("refusals"), tr("Refused requests")},
        {QStringLiteral("closes"), tr("Stream closes by the server")},
        {QStringLiteral("alarms"), tr("Alarms")},
    };
    for (qsizetype i = 0; i < resources.size(); ++i)
        addTile(resources[i].first, resources[i].second, 3 + int(i / 4), int(i % 4), false);

    auto *identity = new QLabel(tr("Identity"), inner);
    identity->setObjectName(QStringLiteral("identityHeading"));
    identity->setFont(bold);
    m_grid->addWidget(identity, 5, 0, 1, 4);
    const QList<QPair<QString, QString>> sources {
        {QStringLiteral("identitySources"), tr("Identity sources")},
        {QStringLiteral("keySet"), tr("Key set (JWKS)")},
        {QStringLiteral("authHook"), tr("Auth hook")},
        {QStringLiteral("tokens"), tr("Tokens verified")},
    };
    for (qsizetype i = 0; i < sources.size(); ++i) {
        addTile(sources[i].first, sources[i].second, 6, int(i), false);
        m_identityTiles << sources[i].first;
    }
    m_grid->setRowStretch(7, 1);
    placeIdentityTiles({QStringLiteral("identitySources")});
    for (int c = 0; c < 4; ++c)
        m_grid->setColumnStretch(c, 1);

    auto *scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(inner);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(scroll);
    showNoData();
}

OverviewView::Figure &OverviewView::addTile(const QString &name, const QString &title, int row,
                                            int column, bool withTrend)
{
    Figure f;
    f.box = new QGroupBox(title);
    auto *inner = new QVBoxLayout(f.box);
    f.value = new QLabel(f.box);
    f.value->setObjectName(QStringLiteral("figure.") + name);
    QFont big = f.value->font();
    big.setPointSizeF(big.pointSizeF() * 1.8);
    big.setBold(true);
    f.value->setFont(big);
    inner->addWidget(f.value);
    if (withTrend) {
        f.trend = new Sparkline(f.box);
        inner->addWidget(f.trend);
    } else {
        f.detail = new QLabel(f.box);
        f.detail->setObjectName(QStringLiteral("detail.") + name);
        f.detail->setWordWrap(true);
        inner->addWidget(f.detail);
    }
    inner->addStretch();
    m_grid->addWidget(f.box, row, column);
    return *m_figures.insert(name, f);
}

void OverviewView::setFigure(const QString &name, const QString &text, const QString &detail,
                             Level level, const QString &tip)
{
    Figure &f = m_figures[name];
    f.value->setText(text);
    if (f.detail)
        f.detail->setText(detail);
    if (!tip.isEmpty())
        f.box->setToolTip(tip);
    if (f.level != level) {
        f.level = level;
        applyLevel(f);
    }
}

void OverviewView::applyLevel(Figure &f)
{
    // Readable on the window's background, light or dark: the console's state colours.
    QPalette colors = f.value->parentWidget()->palette();
    if (f.level == Level::Amber)
        colors.setColor(QPalette::WindowText, StateColors::warningText(palette()));
    else if (f.level == Level::Red)
        colors.setColor(QPalette::WindowText, StateColors::alertText(palette()));
    f.value->setPalette(colors);
    if (f.detail)
        f.detail->setPalette(colors);
    f.value->setProperty("level", int(f.level));
}

void OverviewView::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) {
        for (Figure &f : m_figures)
            applyLevel(f);
    }
}

OverviewView::Level OverviewView::level(const QString &name) const
{
    return m_figures.value(name).level;
}

void OverviewView::showNoData()
{
    const QString none = QStringLiteral("-");
    for (auto it = m_figures.begin(); it != m_figures.end(); ++it)
        setFigure(it.key(), none, it->detail ? none : QString());
}

void OverviewView::applySnapshot(const ConsoleSnapshot &s, const ThroughputHistory &history)
{
    const ThroughputHistory::Sample now = history.latest();
    const EngineStats &t = s.stats;
    setFigure(QStringLiteral("connections"), formatCount(quint64(t.connections)));
    setFigure(QStringLiteral("clients"), formatCount(quint64(s.clients)));
    setFigure(QStringLiteral("topics"), formatCount(quint64(s.topics.size())));
    setFigure(QStringLiteral("eventsIn"), formatRate(now.eventsIn));
    setFigure(QStringLiteral("eventsOut"), formatRate(now.eventsOut));
    setFigure(QStringLiteral("bytesOut"), formatBytes(quint64(now.bytesOut)) + tr("/s"));
    setFigure(QStringLiteral("slow"), formatCount(t.slowConsumerCloses));
    setFigure(QStringLiteral("authFailures"), formatCount(t.authFailures));

    const QString thresholds
        = tr("Amber from %1% of the limit, red from %2% or while the server's alarm is raised.")
              .arg(AmberPercent)
              .arg(RedPercent);
    // Descriptors against the process limit.
    {
        const int percent = percentOf(t.openFds, t.fdLimit);
        Level level = levelFor(percent, AmberPercent, RedPercent);
        if (t.alarms.contains(QLatin1String("descriptors")))
            level = Level::Red;
        setFigure(QStringLiteral("descriptors"),
                  t.openFds < 0 ? QStringLiteral("-") : formatCount(quint64(t.openFds)),
                  t.fdLimit > 0
                      ? tr("of %1 (%2%)").arg(formatCount(quint64(t.fdLimit))).arg(percent)
                      : tr("no limit known"),
                  level,
                  tr("Files and sockets the server process holds open, against its limit "
                     "(ulimit -n, LimitNOFILE=). At the limit new connections are refused.")
                      + QLatin1Char('\n') + thresholds);
    }
    // Streams against --max-connections.
    {
        const int percent = percentOf(t.connections, t.maxConnections);
        Level level = levelFor(percent, AmberPercent, RedPercent);
        if (t.alarms.contains(QLatin1String("streams")))
            level = Level::Red;
        setFigure(QStringLiteral("streamLimit"), formatCount(quint64(t.connections)),
                  t.maxConnections > 0
                      ? tr("of %1 (%2%)").arg(formatCount(quint64(t.maxConnections))).arg(percent)
                      : tr("no limit (--max-connections 0)"),
                  level,
                  tr("Open streams against --max-connections; beyond it new streams are "
                     "refused with 503.")
                      + QLatin1Char('\n') + thresholds);
    }
    // The history: a ring, full is normal (the oldest events go).
    const QString ringTip = tr("The history keeps the newest events for clients that resume; at "
                               "its bound the oldest go (no colour: full is normal).");
    setFigure(QStringLiteral("historyEvents"), formatCount(quint64(t.historySize)),
              t.historyCapacity > 0
                  ? tr("of %1 (--history)").arg(formatCount(quint64(t.historyCapacity)))
                  : QString(),
              Level::Normal, ringTip);
    setFigure(QStringLiteral("historyBytes"), formatBytes(quint64(t.historyBytes)),
              t.historyMaxBytes > 0
                  ? tr("of %1 (--history-bytes)").arg(formatBytes(quint64(t.historyMaxBytes)))
                  : QString(),
              Level::Normal, ringTip);
    // Queued bytes against what every open stream may queue.
    {
        const qint64 room = s.maxQueueBytes * qint64(t.connections);
        const int percent = percentOf(t.queuedBytes, room);
        setFigure(
            QStringLiteral("queued"), formatBytes(quint64(t.queuedBytes)),
            tr("at most %1 per stream (--max-queue)").arg(formatBytes(quint64(s.maxQueueBytes))),
            levelFor(percent, QueueAmberPercent, QueueRedPercent),
            tr("Bytes waiting for slow readers; a stream over its bound is closed as a "
               "slow consumer. Amber from %1% of what all open streams may queue, red "
               "from %2%.")
                .arg(QueueAmberPercent)
                .arg(QueueRedPercent));
    }
    // Refusals by reason.
    {
        const quint64 total = t.authFailures + t.connectionLimitRejections + t.rateLimitRejections
            + t.badRequests + t.bodyTooLarge + t.fdLimitRejections;
        double lastMinute = 0;
        const auto &fine = history.fine();
        for (size_t i = fine.size() > 60 ? fine.size() - 60 : 0; i < fine.size(); ++i) {
            const auto &f = fine[i];
            lastMinute += f.authFailures + f.connectionLimitRejections + f.rateLimitRejections
                + f.badRequests + f.fdLimitRejections;
        }
        Level level = lastMinute > 0 ? Level::Amber : Level::Normal;
        if (t.alarms.contains(QLatin1String("auth-failures")))
            level = Level::Red;
        setFigure(QStringLiteral("refusals"), formatCount(total),
                  tr("authentication %1 · stream limit %2 · rate limit %3 · bad request %4 · "
                     "body too large %5 · descriptors %6")
                      .arg(formatCount(t.authFailures), formatCount(t.connectionLimitRejections),
                           formatCount(t.rateLimitRejections), formatCount(t.badRequests),
                           formatCount(t.bodyTooLarge), formatCount(t.fdLimitRejections)),
                  level,
                  tr("Requests refused since the server started, by reason. Amber while any "
                     "came in the last minute, red while the server's authentication-failure "
                     "alarm is raised."));
    }
    // Closes by reason.
    {
        Level level
            = t.alarms.contains(QLatin1String("stream-closes")) ? Level::Red : Level::Normal;
        setFigure(QStringLiteral("closes"),
                  formatCount(t.slowConsumerCloses + t.deadCloses + t.kickCloses + t.shutdownCloses
                              + t.authExpiredCloses),
                  tr("slow consumer %1 · dead %2 · kicked %3 · shutdown %4 · credentials %5")
                      .arg(formatCount(t.slowConsumerCloses), formatCount(t.deadCloses),
                           formatCount(t.kickCloses), formatCount(t.shutdownCloses),
                           formatCount(t.authExpiredCloses)),
                  level,
                  tr("Streams the server closed since it started, by reason (clients that "
                     "left are not counted). Red while the server's slow/dead-close alarm is "
                     "raised."));
    }
    setFigure(QStringLiteral("alarms"), formatCount(quint64(t.alarms.size())),
              t.alarms.isEmpty() ? tr("none raised") : t.alarms.join(QStringLiteral(", ")),
              t.alarms.isEmpty() ? Level::Normal : Level::Red,
              tr("Alarms the server raises now (its log has an alarm entry when one is raised "
                 "and when it clears; thresholds in docs/CONFIG.md)."));
    applyIdentity(s);

    // Trends: the last minute of samples (rates for the counters).
    using Sample = ThroughputHistory::Sample;
    const std::pair<const char *, double Sample::*> trends[]
        = {{"connections", &Sample::connections}, {"clients", &Sample::clients},
           {"topics", &Sample::topics},           {"eventsIn", &Sample::eventsIn},
           {"eventsOut", &Sample::eventsOut},     {"bytesOut", &Sample::bytesOut},
           {"slow", &Sample::slowCloses},         {"authFailures", &Sample::authFailures}};
    const auto &fine = history.fine();
    for (const auto &[name, field] : trends) {
        QList<double> values;
        for (size_t i = fine.size() > 60 ? fine.size() - 60 : 0; i < fine.size(); ++i)
            values << fine[i].*field;
        m_figures[QLatin1String(name)].trend->setValues(values);
    }
}

void OverviewView::applyIdentity(const ConsoleSnapshot &s)
{
    const IdentityStatus &id = s.identity;
    QStringList shown {QStringLiteral("identitySources")};

    // Which sources, by name.
    {
        QStringList names;
        if (id.hs256)
            names << tr("HS256 secret");
        if (id.publicKeyFiles > 0)
            names << tr("%n public key file(s)", nullptr, id.publicKeyFiles);
        if (id.hasJwks())
            names << tr("JWKS");
        if (id.clientCertificates)
            names << tr("client certificates");
        if (id.hasHook())
            names << tr("auth hook");
        if (id.acl)
            names << tr("ACL");
        if (names.isEmpty()) {
            setFigure(QStringLiteral("identitySources"), tr("Open"),
                      tr("no authentication: whoever reaches the listen address is let in"),
                      Level::Normal,
                      tr("No token secret, key, JWKS URL, client certificate authority, auth "
                         "hook or ACL is configured (Settings, Access)."));
        } else {
            setFigure(QStringLiteral("identitySources"), formatCount(quint64(names.size())),
                      names.join(QStringLiteral(" · ")), Level::Normal,
                      tr("How the server tells who a request comes from and what it may do "
                         "(Settings, Access). Refusals are in the log with their reason."));
        }
    }

    // The JWKS key set: its size and age, or that there is none yet; the last fetch's error.
    if (id.hasJwks()) {
        shown << QStringLiteral("keySet");
        const IdentityStatus::Jwks &k = id.jwks;
        const QString failed = tr("last fetch failed: %1").arg(shortError(k.lastError));
        QString value;
        QString detail;
        Level level = Level::Normal;
        if (k.loadedAtMs <= 0) {
            value = tr("No key set yet");
            detail = k.lastError.isEmpty() ? tr("first fetch under way") : failed;
            level = Level::Red;
        } else {
            value = tr("%n key(s)", nullptr, k.keys);
            detail = tr("loaded %1 ago").arg(formatAgo(qMax<qint64>(0, s.wallMs - k.loadedAtMs)));
            if (!k.lastError.isEmpty()) {
                detail += QLatin1Char('\n') + failed;
                level = Level::Amber;
            }
        }
        QString tip = tr("Tokens signed with keys are verified with the key set fetched from "
                         "%1. Red while there is none (such tokens are refused), amber while "
                         "the last fetch failed (the previous set stays).")
                          .arg(k.url);
        const QString fetches = countsText(
            k.fetches,
            {QStringLiteral("loaded"), QStringLiteral("unchanged"), QStringLiteral("network_error"),
             QStringLiteral("http_error"), QStringLiteral("too_large"), QStringLiteral("invalid")},
            [](const QString &name) { return name; });
        if (!fetches.isEmpty())
            tip += QLatin1Char('\n') + tr("Fetches: %1").arg(fetches);
        if (k.nextFetchInMs > 0)
            tip += QLatin1Char('\n') + tr("Next fetch in %1.").arg(formatAgo(k.nextFetchInMs));
        if (!k.lastError.isEmpty())
            tip += QLatin1Char('\n') + tr("Last error: %1").arg(k.lastError);
        setFigure(QStringLiteral("keySet"), value, detail, level, tip);
    }

    // The auth hook: how long its last answer took, its answers by outcome, its last error.
    if (id.hasHook()) {
        shown << QStringLiteral("authHook");
        const IdentityStatus::Hook &h = id.hook;
        const auto calls
            = [&h](const char *name) { return formatCount(h.calls.value(QLatin1String(name))); };
        QString detail = h.lastLatencyMs < 0
            ? tr("no question asked yet")
            : tr("last answer in %1").arg(formatAgo(h.lastLatencyMs));
        detail += QLatin1Char('\n')
            + tr("allowed %1 · denied %2 · timed out %3 · failed %4 · unreadable %5")
                  .arg(calls("allow"), calls("deny"), calls("timeout"), calls("error"),
                       calls("invalid"));
        if (!h.lastError.isEmpty())
            detail += QLatin1Char('\n') + tr("last error: %1").arg(shortError(h.lastError));
        QString tip = tr("The backend at %1 decides for requests without a token. Red while "
                         "its last call failed (timed out, could not be reached, answered "
                         "5xx or unreadably): such requests get 503.")
                          .arg(h.url)
            + QLatin1Char('\n')
            + tr("Answers remembered: %1; questions waiting: %2.")
                  .arg(formatCount(quint64(h.cacheEntries)), formatCount(quint64(h.inFlight)));
        if (!h.lastError.isEmpty())
            tip += QLatin1Char('\n') + tr("Last error: %1").arg(h.lastError);
        setFigure(QStringLiteral("authHook"),
                  h.lastLatencyMs < 0 ? QStringLiteral("-") : formatAgo(h.lastLatencyMs), detail,
                  h.lastError.isEmpty() ? Level::Normal : Level::Red, tip);
    }

    // Tokens: verified, and refused by reason.
    if (!id.tokenChecks.isEmpty()) {
        shown << QStringLiteral("tokens");
        QMap<QString, quint64> refused = id.tokenChecks;
        refused.remove(QStringLiteral("verified"));
        const QString reasons = countsText(
            refused,
            {QStringLiteral("expired"), QStringLiteral("bad_signature"),
             QStringLiteral("unknown_key"), QStringLiteral("no_key_set"), QStringLiteral("claims"),
             QStringLiteral("algorithm"), QStringLiteral("malformed")},
            &tokenCheckText);
        setFigure(
            QStringLiteral("tokens"), formatCount(id.tokenChecks.value(QStringLiteral("verified"))),
            reasons.isEmpty() ? tr("none refused") : tr("refused: %1").arg(reasons), Level::Normal,
            tr("Tokens checked since the server started (a token remembered from an "
               "earlier request is not checked again), and those refused by reason."));
    }
    placeIdentityTiles(shown);
}

void OverviewView::placeIdentityTiles(const QStringList &shown)
{
    if (shown == m_identityShown)
        return;
    m_identityShown = shown;
    for (const QString &name : std::as_const(m_identityTiles)) {
        QGroupBox *box = m_figures[name].box;
        m_grid->removeWidget(box);
        box->setVisible(shown.contains(name));
    }
    for (qsizetype i = 0; i < shown.size(); ++i)
        m_grid->addWidget(m_figures[shown[i]].box, 6, int(i));
}

} // namespace ssehub
