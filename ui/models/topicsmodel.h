#pragma once

#include "snapshot.h"

#include <QHash>
#include <QStandardItemModel>

namespace ssehub {

// Subscribed filters and published topics as one tree by topic level ("sensor" > "+" >
// "data"). A node that is a filter shows the clients holding it; one that is a topic shows who
// an event on it reaches (clients and streams whose filters match it, wildcards included), its
// events per second averaged over RateWindowMs, last event and payload. Updated in place from
// each snapshot.
class TopicsModel : public QStandardItemModel
{
    Q_OBJECT

public:
    enum Column { Level, Subscribers, Paused, Streams, Rate, LastEvent, Preview, ColumnCount };
    static constexpr int PathRole = Qt::UserRole + 10; // the full filter or topic of a node
    static constexpr int SortRole = Qt::UserRole + 11; // numbers by value, text naturally
    // Events per second are counted over this window (not between two snapshots).
    static constexpr qint64 RateWindowMs = 10000;

    explicit TopicsModel(QObject *parent = nullptr);

    void applySnapshot(const ConsoleSnapshot &snapshot);
    void clear();
    // The item in the first column for a full path, or nullptr.
    QStandardItem *itemFor(const QByteArray &path) const { return m_items.value(path); }

private:
    QStandardItem *node(const QByteArray &path);
    void set(QStandardItem *first, int column, const QVariant &value, int role = Qt::DisplayRole);
    void removeUnseen(QStandardItem *parent, const QSet<QByteArray> &seen);

    QHash<QByteArray, QStandardItem *> m_items; // by full path
    struct Sample
    {
        qint64 atMs = 0;
        quint64 events = 0;
    };
    // A topic's event counts over the rate window: the oldest at or before its start, then the
    // newer ones (a few dozen at four snapshots a second).
    using Samples = QList<Sample>;
    QHash<QByteArray, Samples> m_samples;
};

} // namespace ssehub
