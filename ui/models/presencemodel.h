#pragma once

#include "presence.h"

#include <QAbstractTableModel>
#include <QList>

namespace ssehub {

// Who listens on one topic (the Topics view's presence panel): one row per client and node, in
// the engine's order (by client id, then node). A new answer becomes removes and inserts of the
// rows that left and came, and one change of the figures of the rest (the view keeps its
// selection and scroll position).
class PresenceModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { Client, Node, Streams, Since, ColumnCount };
    static constexpr int ClientIdRole = Qt::UserRole + 1;

    using QAbstractTableModel::QAbstractTableModel;

    void setEntries(const QList<PresenceEntry> &entries);
    void clear();
    const QList<PresenceEntry> &entries() const { return m_entries; }
    // The row of a client on a node, or -1.
    int rowOf(const QString &clientId, const QString &node = {}) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    QList<PresenceEntry> m_entries;
};

} // namespace ssehub
