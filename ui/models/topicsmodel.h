#pragma once

#include "snapshot.h"

#include <QHash>
#include <QStandardItemModel>

namespace ssehub {

// Subscribed filters and published topics as one tree by topic level ("sensor" > "+" >
// "data"). A node that is a filter shows its subscribers; one that is a topic shows its events
// per second, last event and payload. Updated in place from each snapshot.
class TopicsModel : public QStandardItemModel
{
    Q_OBJECT

public:
    enum Column { Level, Subscribers, Paused, Streams, Rate, LastEvent, Preview, ColumnCount };
    static constexpr int PathRole = Qt::UserRole + 10; // the full filter or topic of a node

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
    struct Seen
    {
        quint64 events = 0;
        qint64 atMs = 0;
        double rate = 0;
    };
    QHash<QByteArray, Seen> m_lastCounts; // topic -> events at the previous snapshot
};

} // namespace ssehub
