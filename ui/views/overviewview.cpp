#include "overviewview.h"

#include "format.h"
#include "widgets/sparkline.h"
#include "widgets/throughputhistory.h"

#include <QGridLayout>
#include <QGroupBox>
#include <QLabel>
#include <QVBoxLayout>

namespace ssehub {

OverviewView::OverviewView(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("overviewView"));
    auto *grid = new QGridLayout(this);
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
    for (qsizetype i = 0; i < figures.size(); ++i) {
        auto *box = new QGroupBox(figures[i].second, this);
        auto *inner = new QVBoxLayout(box);
        Figure f;
        f.value = new QLabel(QStringLiteral("0"), box);
        f.value->setObjectName(QStringLiteral("figure.") + figures[i].first);
        QFont big = f.value->font();
        big.setPointSizeF(big.pointSizeF() * 1.8);
        big.setBold(true);
        f.value->setFont(big);
        f.trend = new Sparkline(box);
        inner->addWidget(f.value);
        inner->addWidget(f.trend);
        grid->addWidget(box, int(i / 4), int(i % 4));
        m_figures.insert(figures[i].first, f);
    }
    grid->setRowStretch(2, 1);
}

void OverviewView::applySnapshot(const ConsoleSnapshot &s, const ThroughputHistory &history)
{
    const ThroughputHistory::Sample now = history.latest();
    auto setFigure = [this](const QString &name, const QString &text) {
        m_figures[name].value->setText(text);
    };
    setFigure(QStringLiteral("connections"), formatCount(quint64(s.stats.connections)));
    setFigure(QStringLiteral("clients"), formatCount(quint64(s.clients)));
    setFigure(QStringLiteral("topics"), formatCount(quint64(s.topics.size())));
    setFigure(QStringLiteral("eventsIn"), formatRate(now.eventsIn));
    setFigure(QStringLiteral("eventsOut"), formatRate(now.eventsOut));
    setFigure(QStringLiteral("bytesOut"), formatBytes(quint64(now.bytesOut)) + tr("/s"));
    setFigure(QStringLiteral("slow"), formatCount(s.stats.slowConsumerCloses));
    setFigure(QStringLiteral("authFailures"), formatCount(s.stats.authFailures));
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
