#pragma once

#include "clientlist.h"

#include <QAbstractTableModel>

namespace ssehub {

// One page of the clients the engine knows (EngineLink::listClients), in the engine's order
// (naturally by id). A new page of the same clients in the same order only changes figures
// (views keep selection and scroll position); another one replaces the rows.
class ClientsModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        Client,
        Presence,
        Streams,
        Addresses,
        Subscriptions,
        LastSeen,
        Acked,
        Kind,
        ColumnCount
    };
    static constexpr int IdRole = Qt::UserRole + 1;

    using QAbstractTableModel::QAbstractTableModel;

    void setPage(const ClientPage &page);
    void clear();
    const ClientPage &page() const { return m_page; }
    // The row of a client id, or -1.
    int rowOf(const QString &clientId) const;
    const ClientInfo &clientAt(int row) const { return m_page.clients.at(row); }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    // "3 (1 paused)": a client's subscriptions in words.
    static QString subscriptionsText(const ClientInfo &client);
    static QString timeText(qint64 ms); // local time with seconds; "-" for 0

private:
    ClientPage m_page;
};

} // namespace ssehub
