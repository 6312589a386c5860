#pragma once

#include "logentry.h"

#include <QAbstractTableModel>
#include <QSet>
#include <QSortFilterProxyModel>

#include <deque>

namespace ssehub {

// The connection log as the console received it: appended in batches (one per snapshot),
// the newest `capacity` entries kept.
class LogModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    // Node: the node that logged it, shown only when the console merges several.
    enum Column { Time, Kind, Connection, Client, Remote, Reason, Detail, Node, ColumnCount };
    static constexpr int KindRole = Qt::UserRole;
    static constexpr int TimeRole = Qt::UserRole + 1;
    static constexpr int ClientRole = Qt::UserRole + 2;
    static constexpr int NodeRole = Qt::UserRole + 3;

    explicit LogModel(qsizetype capacity = 50000, QObject *parent = nullptr);

    void append(const QList<LogEntry> &entries);
    void clear();
    const LogEntry &entryAt(int row) const { return m_entries[size_t(row)]; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    static QString kindTitle(LogEntry::Kind kind);

private:
    std::deque<LogEntry> m_entries;
    qsizetype m_capacity;
};

// Filters the log by kind, client (substring), time and node.
class LogFilterModel : public QSortFilterProxyModel
{
    Q_OBJECT

public:
    using QSortFilterProxyModel::QSortFilterProxyModel;

    void setKinds(const QSet<LogEntry::Kind> &kinds); // empty: all
    void setClientText(const QString &text);
    void setSince(qint64 ms); // 0: from the start
    void setNode(const QString &node); // empty: every node
    // The entries the view shows, oldest first (what File > Export writes).
    QList<LogEntry> visibleEntries() const;

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    QSet<LogEntry::Kind> m_kinds;
    QString m_client;
    qint64 m_since = 0;
    QString m_node;
};

} // namespace ssehub
