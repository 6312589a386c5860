#pragma once

#include "widgets/throughputhistory.h"

#include <QWidget>

QT_BEGIN_NAMESPACE
class QComboBox;
QT_END_NAMESPACE

namespace ssehub {

// The throughput charts: events/s in and out, bytes/s out, open streams, over the last five
// minutes or the last hour. The only class that uses Qt Charts (deprecated upstream after
// 6.10): replacing it means replacing this file pair.
class ThroughputChart : public QWidget
{
    Q_OBJECT

public:
    enum class Range { FiveMinutes, Hour };

    explicit ThroughputChart(QWidget *parent = nullptr);
    ~ThroughputChart() override;

    // Redraws from the history: one replace() per series.
    void update(const ThroughputHistory &history);
    void setRange(Range range);
    Range range() const;
    // Points in the first series (for tests).
    int pointCount() const;

private:
    struct Charts;
    Charts *d;
    QComboBox *m_range;
    const ThroughputHistory *m_last = nullptr;
};

} // namespace ssehub
