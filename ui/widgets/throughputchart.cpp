#include "throughputchart.h"

#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineSeries>
#include <QValueAxis>

#include <algorithm>

namespace ssehub {

namespace {

struct Plot
{
    QChart *chart = nullptr;
    QChartView *view = nullptr;
    QDateTimeAxis *x = nullptr;
    QValueAxis *y = nullptr;
    QList<QLineSeries *> series;
};

Plot makePlot(const QString &title, const QStringList &names, QWidget *parent)
{
    Plot p;
    p.chart = new QChart;
    p.chart->setTitle(title);
    p.chart->setAnimationOptions(QChart::NoAnimation);
    p.chart->legend()->setVisible(names.size() > 1);
    p.chart->legend()->setAlignment(Qt::AlignBottom);
    p.chart->setMargins(QMargins(4, 4, 4, 4));
    p.x = new QDateTimeAxis;
    p.x->setFormat(QStringLiteral("HH:mm:ss"));
    p.x->setTickCount(6);
    p.y = new QValueAxis;
    p.y->setLabelFormat(QStringLiteral("%.0f"));
    p.y->setMin(0);
    p.chart->addAxis(p.x, Qt::AlignBottom);
    p.chart->addAxis(p.y, Qt::AlignLeft);
    for (const QString &name : names) {
        auto *series = new QLineSeries;
        series->setName(name);
        series->setUseOpenGL(false);
        p.chart->addSeries(series);
        series->attachAxis(p.x);
        series->attachAxis(p.y);
        p.series << series;
    }
    p.view = new QChartView(p.chart, parent);
    p.view->setRenderHint(QPainter::Antialiasing, false);
    p.view->setMinimumHeight(160);
    return p;
}

} // namespace

struct ThroughputChart::Charts
{
    Plot events;
    Plot bytes;
    Plot connections;
};

ThroughputChart::ThroughputChart(QWidget *parent)
    : QWidget(parent)
    , d(new Charts)
    , m_range(new QComboBox(this))
{
    m_range->setObjectName(QStringLiteral("chartRange"));
    m_range->addItem(tr("Last 5 minutes (1 s)"));
    m_range->addItem(tr("Last hour (10 s)"));
    d->events
        = makePlot(tr("Events per second"), {tr("in (published)"), tr("out (delivered)")}, this);
    d->bytes = makePlot(tr("KiB per second out"), {tr("KiB/s")}, this);
    d->connections = makePlot(tr("Open streams"), {tr("streams")}, this);
    auto *layout = new QGridLayout(this);
    auto *top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Range:"), this));
    top->addWidget(m_range);
    top->addStretch();
    layout->addLayout(top, 0, 0, 1, 2);
    layout->addWidget(d->events.view, 1, 0, 1, 2);
    layout->addWidget(d->bytes.view, 2, 0);
    layout->addWidget(d->connections.view, 2, 1);
    connect(m_range, &QComboBox::currentIndexChanged, this, [this] {
        if (m_last)
            update(*m_last);
    });
}

ThroughputChart::~ThroughputChart()
{
    delete d;
}

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
    return int(d->events.series.first()->count());
}

void ThroughputChart::update(const ThroughputHistory &history)
{
    m_last = &history;
    const bool hour = range() == Range::Hour;
    const auto &samples = hour ? history.coarse() : history.fine();
    QList<QPointF> in, out, bytes, streams;
    in.reserve(qsizetype(samples.size()));
    out.reserve(qsizetype(samples.size()));
    bytes.reserve(qsizetype(samples.size()));
    streams.reserve(qsizetype(samples.size()));
    double maxEvents = 1, maxBytes = 1, maxStreams = 1;
    for (const auto &s : samples) {
        const double t = double(s.timeMs);
        in.append({t, s.eventsIn});
        out.append({t, s.eventsOut});
        bytes.append({t, s.bytesOut / 1024.0});
        streams.append({t, s.connections});
        maxEvents = std::max({maxEvents, s.eventsIn, s.eventsOut});
        maxBytes = std::max(maxBytes, s.bytesOut / 1024.0);
        maxStreams = std::max(maxStreams, s.connections);
    }
    d->events.series[0]->replace(in);
    d->events.series[1]->replace(out);
    d->bytes.series[0]->replace(bytes);
    d->connections.series[0]->replace(streams);
    const qint64 end
        = samples.empty() ? QDateTime::currentMSecsSinceEpoch() : samples.back().timeMs;
    const qint64 span = hour ? 3600 * 1000 : 300 * 1000;
    for (Plot *p : {&d->events, &d->bytes, &d->connections}) {
        p->x->setRange(QDateTime::fromMSecsSinceEpoch(end - span),
                       QDateTime::fromMSecsSinceEpoch(end));
        p->x->setFormat(hour ? QStringLiteral("HH:mm") : QStringLiteral("HH:mm:ss"));
    }
    const std::pair<Plot *, double> tops[]
        = {{&d->events, maxEvents}, {&d->bytes, maxBytes}, {&d->connections, maxStreams}};
    for (const auto &[plot, top] : tops) {
        plot->y->setRange(0, std::max(4.0, top * 1.1));
        plot->y->applyNiceNumbers();
    }
}

} // namespace ssehub
