#pragma once

#include "snapshot.h"

#include <QAbstractTableModel>
#include <QList>

namespace ssehub {

// One join or leave event as the hub publishes it on $SYS/presence/<topic> (--presence-events):
// type `join` or `leave`, payload {"client_id", "node", "topic", "streams", "at"}.
struct PresenceEvent
{
    quint64 id = 0; // the history's id (ordered)
    qint64 atMs = 0;
    bool join = true;
    QString clientId;
    QString node;
    QString topic;
    int streams = 0;

    // False when the event is not one (another type, a payload that cannot be read).
    static bool fromEvent(const EventRow &row, PresenceEvent *out);
};

// The recent join and leave events of the Topics view's selected topic, newest first, at most
// MaxRows: newer events come in above, the oldest fall off the end.
class PresenceEventsModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { Time, Change, Client, Node, Streams, Topic, ColumnCount };
    static constexpr int MaxRows = 200;

    using QAbstractTableModel::QAbstractTableModel;

    // Events newer than those shown, oldest first (as GET /history reads after a cursor); older
    // or already shown ones are skipped.
    void addNewer(const QList<PresenceEvent> &oldestFirst);
    void clear();
    const QList<PresenceEvent> &events() const { return m_events; } // newest first
    quint64 newestId() const { return m_events.isEmpty() ? 0 : m_events.constFirst().id; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    QList<PresenceEvent> m_events; // newest first
};

} // namespace ssehub
