#include "throughputchart.h"

#include "format.h"

#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QCursor>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QEvent>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLocale>
#include <QScrollArea>
#include <QToolTip>
#include <QValueAxis>

#include <algorithm>
#include <functional>

namespace ssehub {

namespace {

using Sample = ThroughputHistory::Sample;

// One figure of the history on a pane, drawn as one line per stretch without a gap.
struct Line
{
    QString name;
    std::function<double(const Sample &)> value; // as the axis shows it
    double scale = 1; // the figure is value * scale (bytes on a KiB axis: 1024)
    QList<QLineSeries *> segments; // the first one carries the legend entry
    QList<QPointF> points; // what was drawn last, all segments together (for hover)
};

struct Plot
{
    QChart *chart = nullptr;
    QChartView *view = nullptr;
    QDateTimeAxis *x = nullptr;
    QValueAxis *y = nullptr;
    QList<Line> lines;
    std::function<QString(double)> format; // a value as hover shows it
};

// Colours for the lines of a pane: readable on the chart's light or dark background.
QColor lineColor(int index, bool dark)
{
    struct Pair
    {
        const char *light;
        const char *dark;
    };
    static constexpr Pair colors[] = {{"#1565c0", "#64b5f6"}, {"#c62828", "#ef9a9a"},
                                      {"#2e7d32", "#81c784"}, {"#ef6c00", "#ffb74d"},
                                      {"#6a1b9a", "#ce93d8"}, {"#4e342e", "#bcaaa4"}};
    const Pair &pair = colors[static_cast<unsigned>(index) % std::size(colors)];
    return QColor(QLatin1String(dark ? pair.dark : pair.light));
}

} // namespace

struct ThroughputChart::Charts
{
    Plot plots[PaneCount];
    bool dark = false;

    QLineSeries *addSegment(Plot &plot, Line &line, int lineIndex)
    {
        auto *series = new QLineSeries;
        series->setName(line.name);
        series->setUseOpenGL(false);
        series->setPen(QPen(lineColor(lineIndex, dark), 1.5));
        plot.chart->addSeries(series);
        series->attachAxis(plot.x);
        series->attachAxis(plot.y);
        if (!line.segments.isEmpty()) {
            // One legend entry per figure, however many pieces it is drawn in.
            for (QLegendMarker *marker : plot.chart->legend()->markers(series))
                marker->setVisible(false);
        }
        line.segments << series;
        return series;
    }
};

ThroughputChart::ThroughputChart(QWidget *parent)
    : QWidget(parent)
    , d(std::make_unique<Charts>())
    , m_range(new QComboBox(this))
{
    m_range->setObjectName(QStringLiteral("chartRange"));
    m_range->addItem(tr("Last 5 minutes (1 s)"));
    m_range->addItem(tr("Last hour (10 s)"));

    const auto rate = [](double v) { return formatRate(v); };
    const auto bytesRate = [](double v) { return formatBytes(quint64(v)) + tr("/s"); };
    const auto count = [](double v) { return formatCount(quint64(v + 0.5)); };
    const auto bytes = [](double v) { return formatBytes(quint64(v)); };
    struct Spec
    {
        QString title;
        QList<QPair<QString, std::function<double(const Sample &)>>> lines;
        std::function<QString(double)> format;
        double scale; // axis value = figure / scale
    };
    const Spec specs[PaneCount] = {
        {tr("Events published per second"),
         {{tr("published"), [](const Sample &s) { return s.eventsIn; }}},
         rate,
         1},
        {tr("Events delivered per second"),
         {{tr("delivered"), [](const Sample &s) { return s.eventsOut; }}},
         rate,
         1},
        {tr("Bytes out per second (KiB/s)"),
         {{tr("KiB/s"), [](const Sample &s) { return s.bytesOut; }}},
         bytesRate,
         1024},
        {tr("Open streams"),
         {{tr("streams"), [](const Sample &s) { return s.connections; }}},
         count,
         1},
        {tr("Stream closes per second, by reason"),
         {{tr("slow consumer"), [](const Sample &s) { return s.slowCloses; }},
          {tr("dead"), [](const Sample &s) { return s.deadCloses; }},
          {tr("kicked"), [](const Sample &s) { return s.kickCloses; }},
          {tr("shutdown"), [](const Sample &s) { return s.shutdownCloses; }}},
         rate,
         1},
        {tr("Refusals per second, by reason"),
         {{tr("auth failures"), [](const Sample &s) { return s.authFailures; }},
          {tr("stream limit"), [](const Sample &s) { return s.connectionLimitRejections; }},
          {tr("rate limit"), [](const Sample &s) { return s.rateLimitRejections; }},
          {tr("bad requests"), [](const Sample &s) { return s.badRequests; }},
          {tr("descriptors"), [](const Sample &s) { return s.fdLimitRejections; }}},
         rate,
         1},
        {tr("Bytes queued for streams (KiB)"),
         {{tr("KiB"), [](const Sample &s) { return s.queuedBytes; }}},
         bytes,
         1024},
    };

    auto *panes = new QWidget;
    auto *grid = new QGridLayout(panes);
    grid->setContentsMargins(0, 0, 0, 0);
    for (int i = 0; i < PaneCount; ++i) {
        const Spec &spec = specs[i];
        Plot &p = d->plots[i];
        p.format = spec.format;
        p.chart = new QChart;
        p.chart->setTitle(spec.title);
        p.chart->setAnimationOptions(QChart::NoAnimation);
        p.chart->legend()->setVisible(spec.lines.size() > 1);
        p.chart->legend()->setAlignment(Qt::AlignBottom);
        p.chart->setMargins(QMargins(4, 4, 4, 4));
        p.x = new QDateTimeAxis;
        p.x->setFormat(QStringLiteral("HH:mm:ss"));
        p.x->setTickCount(4);
        p.y = new QValueAxis;
        p.y->setLabelFormat(QStringLiteral("%.4g"));
        p.y->setMin(0);
        p.chart->addAxis(p.x, Qt::AlignBottom);
        p.chart->addAxis(p.y, Qt::AlignLeft);
        for (qsizetype k = 0; k < spec.lines.size(); ++k) {
            const double scale = spec.scale;
            const auto value = spec.lines[k].second;
            p.lines.append(Line {spec.lines[k].first,
                                 [value, scale](const Sample &s) { return value(s) / scale; },
                                 scale,
                                 {},
                                 {}});
            d->addSegment(p, p.lines.last(), int(k));
        }
        p.view = new QChartView(p.chart, panes);
        p.view->setObjectName(QStringLiteral("chart%1").arg(i));
        p.view->setRenderHint(QPainter::Antialiasing, true);
        p.view->setMinimumHeight(200);
        grid->addWidget(p.view, i / 2, i % 2);
    }
    auto *scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(panes);

    auto *layout = new QGridLayout(this);
    auto *top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Range:"), this));
    top->addWidget(m_range);
    top->addStretch();
    layout->addLayout(top, 0, 0);
    layout->addWidget(scroll, 1, 0);
    connect(m_range, &QComboBox::currentIndexChanged, this, [this] {
        if (m_last)
            update(*m_last, m_lastEndMs);
    });
    applyTheme();
}

ThroughputChart::~ThroughputChart() = default;

void ThroughputChart::setRange(Range range)
{
    m_range->setCurrentIndex(range == Range::Hour ? 1 : 0);
}

ThroughputChart::Range ThroughputChart::range() const
{
    return m_range->currentIndex() == 1 ? Range::Hour : Range::FiveMinutes;
}

int ThroughputChart::pointCount() const
{
    return int(d->plots[0].lines[0].points.size());
}

int ThroughputChart::segmentCount(Pane pane) const
{
    int drawn = 0;
    for (const QLineSeries *series : d->plots[int(pane)].lines[0].segments)
        drawn += series->count() > 0 ? 1 : 0;
    return drawn;
}

bool ThroughputChart::isDark() const
{
    return d->dark;
}

QString ThroughputChart::hoverText(Pane pane, int series, qint64 timeMs) const
{
    const Plot &p = d->plots[int(pane)];
    if (series < 0 || series >= p.lines.size() || p.lines[series].points.isEmpty())
        return {};
    const QList<QPointF> &points = p.lines[series].points;
    // The sample nearest to the time.
    auto it = std::lower_bound(points.begin(), points.end(), double(timeMs),
                               [](const QPointF &a, double t) { return a.x() < t; });
    if (it == points.end())
        --it;
    else if (it != points.begin() && timeMs - (it - 1)->x() < it->x() - timeMs)
        --it;
    const QString time = QLocale().toString(QDateTime::fromMSecsSinceEpoch(qint64(it->x())).time(),
                                            QStringLiteral("HH:mm:ss"));
    return tr("%1  %2: %3")
        .arg(time, p.lines[series].name, p.format(it->y() * p.lines[series].scale));
}

void ThroughputChart::update(const ThroughputHistory &history, qint64 endMs)
{
    m_last = &history;
    m_lastEndMs = endMs;
    const bool hour = range() == Range::Hour;
    const auto &samples = hour ? history.coarse() : history.fine();
    // Stretches without a gap: a marked one, or more than 2.5 sample intervals without data.
    const qint64 step = hour ? ThroughputHistory::CoarseSeconds * 1000 : 1000;
    QList<qsizetype> starts {0};
    for (size_t i = 1; i < samples.size(); ++i) {
        if (samples[i].gapBefore || samples[i].timeMs - samples[i - 1].timeMs > step * 5 / 2)
            starts << qsizetype(i);
    }
    // At most MaxSegments lines: beyond that the oldest gaps are bridged.
    while (starts.size() > MaxSegments)
        starts.removeAt(1);
    starts << qsizetype(samples.size());

    for (Plot &p : d->plots) {
        double top = 0;
        for (qsizetype l = 0; l < p.lines.size(); ++l) {
            Line &line = p.lines[l];
            line.points.clear();
            line.points.reserve(qsizetype(samples.size()));
            for (const Sample &s : samples) {
                const double v = line.value(s);
                line.points.append({double(s.timeMs), v});
                top = std::max(top, v);
            }
            const qsizetype pieces = starts.size() - 1;
            while (line.segments.size() < pieces) {
                QLineSeries *series = d->addSegment(p, line, int(l));
                const int pane = int(&p - d->plots), index = int(l);
                connect(series, &QLineSeries::hovered, this,
                        [this, pane, index](const QPointF &point, bool state) {
                            if (state)
                                QToolTip::showText(QCursor::pos(),
                                                   hoverText(Pane(pane), index, qint64(point.x())),
                                                   this);
                            else
                                QToolTip::hideText();
                        });
            }
            for (qsizetype k = 0; k < line.segments.size(); ++k) {
                if (k < pieces)
                    line.segments[k]->replace(
                        line.points.mid(starts[k], starts[k + 1] - starts[k]));
                else if (line.segments[k]->count() > 0)
                    line.segments[k]->clear();
            }
        }
        p.y->setRange(0, std::max(4.0, top * 1.1));
        p.y->applyNiceNumbers();
    }
    qint64 end = samples.empty() ? QDateTime::currentMSecsSinceEpoch() : samples.back().timeMs;
    end = std::max(end, endMs);
    const qint64 span = hour ? 3600 * 1000 : 300 * 1000;
    for (Plot &p : d->plots) {
        p.x->setRange(QDateTime::fromMSecsSinceEpoch(end - span),
                      QDateTime::fromMSecsSinceEpoch(end));
        p.x->setFormat(hour ? QStringLiteral("HH:mm") : QStringLiteral("HH:mm:ss"));
    }
}

void ThroughputChart::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::StyleChange)
        applyTheme();
}

void ThroughputChart::applyTheme()
{
    d->dark = palette().color(QPalette::Window).lightness() < 128;
    for (Plot &p : d->plots) {
        p.chart->setTheme(d->dark ? QChart::ChartThemeDark : QChart::ChartThemeLight);
        p.chart->setBackgroundBrush(palette().color(QPalette::Base));
        p.chart->setTitleBrush(palette().color(QPalette::Text));
        p.chart->legend()->setLabelColor(palette().color(QPalette::Text));
        for (QAbstractAxis *axis :
             {static_cast<QAbstractAxis *>(p.x), static_cast<QAbstractAxis *>(p.y)}) {
            axis->setLabelsColor(palette().color(QPalette::Text));
        }
        // setTheme recolours the lines: every piece of a figure in the figure's colour.
        for (qsizetype l = 0; l < p.lines.size(); ++l) {
            for (QLineSeries *series : p.lines[l].segments)
                series->setPen(QPen(lineColor(int(l), d->dark), 1.5));
        }
        if (p.view)
            p.view->setBackgroundBrush(palette().color(QPalette::Window));
    }
}

} // namespace ssehub
