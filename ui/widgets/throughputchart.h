#pragma once

#include "widgets/throughputhistory.h"

#include <QWidget>

#include <memory>

QT_BEGIN_NAMESPACE
class QComboBox;
QT_END_NAMESPACE

namespace ssehub {

// The charts over the last five minutes or the last hour, each figure on its own pane (40/s
// published is not a flat line under 5,000/s delivered): events published, events delivered,
// bytes out, open streams, closes by reason, refusals by reason, queued bytes. Time without data
// (the server stopped, the link lost) is a gap, never a line across it. Hovering a line shows
// its value and time; the colours follow the palette (a dark palette gives dark charts). The
// only class that uses Qt Charts (deprecated upstream after 6.10): replacing it means replacing
// this file pair.
class ThroughputChart : public QWidget
{
    Q_OBJECT

public:
    enum class Range { FiveMinutes, Hour };
    // The panes, in the order they are laid out.
    enum class Pane { Published, Delivered, BytesOut, Streams, Closes, Refusals, QueuedBytes };
    static constexpr int PaneCount = int(Pane::QueuedBytes) + 1;
    // Lines drawn per series at most: more gaps than this and the oldest are bridged.
    static constexpr int MaxSegments = 48;

    explicit ThroughputChart(QWidget *parent = nullptr);
    ~ThroughputChart() override;

    // Redraws from the history: one replace() per line. endMs: the right edge of the time axis
    // when it is later than the newest sample (while no data comes, the gap grows); 0: the
    // newest sample.
    void update(const ThroughputHistory &history, qint64 endMs = 0);
    void setRange(Range range);
    Range range() const;
    // Points in the first series (for tests).
    int pointCount() const;
    // Separate lines the first series of a pane is drawn as (one more per gap) (for tests).
    int segmentCount(Pane pane) const;
    // What hovering the first series of a pane at a time shows ("12:00:01  in: 40/s").
    QString hoverText(Pane pane, int series, qint64 timeMs) const;
    // Whether the charts are drawn dark (for tests).
    bool isDark() const;

protected:
    void changeEvent(QEvent *event) override;

private:
    struct Charts;
    void applyTheme();
    std::unique_ptr<Charts> d;
    QComboBox *m_range;
    const ThroughputHistory *m_last = nullptr;
    qint64 m_lastEndMs = 0;
};

} // namespace ssehub
