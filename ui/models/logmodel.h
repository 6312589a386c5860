#pragma once

#include "logentry.h"

#include <QAbstractTableModel>
#include <QSet>
#include <QSortFilterProxyModel>

#include <deque>
#include <functional>

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

    // What a kind means, in the user's language (the Kind column shows the API's name,
    // LogEntry::kindName, as GET /log?kind= takes it).
    static QString kindTitle(LogEntry::Kind kind);

private:
    std::deque<LogEntry> m_entries;
    qsizetype m_capacity;
};

// Filters the log by kinds, text (client id, address, reason, detail: the filters of a
// subscription, user agent, stream), time and node.
class LogFilterModel : public QSortFilterProxyModel
{
    Q_OBJECT

public:
    using QSortFilterProxyModel::QSortFilterProxyModel;

    void setKinds(const QSet<LogEntry::Kind> &kinds); // empty: all
    const QSet<LogEntry::Kind> &kinds() const { return m_kinds; }
    void setSearchText(const QString &text); // case-insensitive substring of any text field
    void setSince(qint64 ms); // a fixed start; 0: from the start
    // A rolling range: the entries of the last `ms` (0: any time), as of the clock's time when
    // refreshRange() last ran - the view calls it on a timer so that the range moves.
    void setRange(qint64 ms);
    qint64 range() const { return m_range; }
    void refreshRange();
    // Milliseconds since the epoch; the system clock unless a test sets one.
    void setClock(std::function<qint64()> clock) { m_clock = std::move(clock); }
    void setNode(const QString &node); // empty: every node
    // Whether any filter hides entries (an export of what is shown is then partial).
    bool isFiltering() const;
    // The entries the view shows, oldest first (what File > Export writes).
    QList<LogEntry> visibleEntries() const;

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    bool accepts(const LogEntry &e) const;

    QSet<LogEntry::Kind> m_kinds;
    QString m_search;
    qint64 m_since = 0;
    qint64 m_range = 0;
    std::function<qint64()> m_clock;
    QString m_node;
};

} // namespace ssehub
