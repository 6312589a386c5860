#include "overviewview.h"

#include "format.h"
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
    m_grid->setRowStretch(5, 1);
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
    // Readable on the window's background, light or dark.
    const bool dark = palette().color(QPalette::Window).lightness() < 128;
    QPalette colors = f.value->parentWidget()->palette();
    if (f.level == Level::Amber)
        colors.setColor(QPalette::WindowText, QColor(QRgb(dark ? 0xffb74d : 0xa15c00)));
    else if (f.level == Level::Red)
        colors.setColor(QPalette::WindowText, QColor(QRgb(dark ? 0xff8a80 : 0xb00020)));
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

} // namespace ssehub
