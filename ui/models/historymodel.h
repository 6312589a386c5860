#pragma once

#include "snapshot.h"

#include <QAbstractTableModel>
#include <QList>

namespace ssehub {

// One page of retained events (the History view), in the order the page was read.
class HistoryModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { Id, Time, Topic, Type, Payload, ColumnCount };
    // The payload preview is cut to this many characters (the tooltip and the pane show more).
    static constexpr int PreviewChars = 200;
    static constexpr int TooltipChars = 2000;

    explicit HistoryModel(QObject *parent = nullptr);

    void setEvents(const QList<EventRow> &events);
    const QList<EventRow> &events() const { return m_events; }
    const EventRow *eventAt(int row) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    QList<EventRow> m_events;
};

} // namespace ssehub
