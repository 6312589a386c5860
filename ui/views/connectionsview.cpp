#include "connectionsview.h"

#include "enginecontroller.h"
#include "models/connectionsmodel.h"
#include "models/keyedselectionmodel.h"
#include "models/nodefiltermodel.h"
#include "widgets/confirmation.h"
#include "widgets/nodefilterbox.h"
#include "widgets/tables.h"

#include <QClipboard>
#include <QDateTime>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QTableView>
#include <QTimer>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace ssehub {

ConnectionsView::ConnectionsView(ConnectionsModel *model, EngineController *controller,
                                 QWidget *parent)
    : QWidget(parent)
    , m_controller(controller)
    , m_filter(new NodeFilterModel(ConnectionsModel::NodeRole, this))
{
    setObjectName(QStringLiteral("connectionsPage"));
    m_filter->setSourceModel(model);
    m_filter->setSortRole(ConnectionsModel::SortRole);
    m_filter->setFilterKeyColumn(-1);
    m_filter->setFilterCaseSensitivity(Qt::CaseInsensitive);

    auto *layout = new QVBoxLayout(this);
    auto *top = new QHBoxLayout;
    m_search = new QLineEdit(this);
    m_search->setObjectName(QStringLiteral("connectionsSearch"));
    m_search->setPlaceholderText(tr("Filter by client id, address, user agent, topic…"));
    m_search->setClearButtonEnabled(true);
    connect(m_search, &QLineEdit::textChanged, m_filter,
            &QSortFilterProxyModel::setFilterFixedString);
    m_node = new NodeFilterBox(QStringLiteral("connectionsNode"), this);
    connect(m_node, &NodeFilterBox::nodeChanged, m_filter, &NodeFilterModel::setNode);
    top->addWidget(m_node);
    top->addWidget(m_search, 1);
    auto addButton = [&](const QString &text, const QString &name, auto slot) {
        auto *button = new QPushButton(text, this);
        button->setObjectName(name);
        connect(button, &QPushButton::clicked, this, slot);
        top->addWidget(button);
        return button;
    };
    m_kick = addButton(tr("Disconnect"), QStringLiteral("kickButton"),
                       [this] { disconnectSelected(); });
    m_kick->setToolTip(tr("End the selected streams (asks first; Ctrl or Shift selects several)"));
    m_pause
        = addButton(tr("Pause"), QStringLiteral("pauseButton"), [this] { pauseSelected(true); });
    m_resume
        = addButton(tr("Resume"), QStringLiteral("resumeButton"), [this] { pauseSelected(false); });
    addButton(tr("Copy id"), QStringLiteral("copyIdButton"), [this] {
        if (const QString client = selectedClient(); !client.isEmpty())
            QGuiApplication::clipboard()->setText(client);
    });
    layout->addLayout(top);

    m_view = makeTable(m_filter, QStringLiteral("connectionsView"), this);
    m_view->sortByColumn(ConnectionsModel::Id, Qt::AscendingOrder);
    setColumnWidths(m_view, {7, 16, 21, 24, 20, 19, 11, 11, 11, 10, 10, 9, 14});
    placeNodeColumn(m_view, ConnectionsModel::Node);
    m_view->setContextMenuPolicy(Qt::ActionsContextMenu);
    // Bulk actions: Ctrl/Shift select several streams. The selection follows the streams (node
    // and id), never the row numbers: a kicked or filtered-out stream leaves it empty.
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    KeyedSelectionModel::install(m_view, &ConnectionsModel::keyOf);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &ConnectionsView::selectedChanged);
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &ConnectionsView::updateActions);
    connect(m_filter, &QAbstractItemModel::rowsRemoved, this, &ConnectionsView::updateActions);
    connect(m_filter, &QAbstractItemModel::modelReset, this, &ConnectionsView::updateActions);
    updateActions();

    auto *detail = new QWidget(this);
    auto *detailLayout = new QVBoxLayout(detail);
    detailLayout->setContentsMargins(0, 0, 0, 0);
    m_detailTitle
        = new QLabel(tr("Select a stream to see its subscriptions and last events."), detail);
    m_detailTitle->setObjectName(QStringLiteral("detailTitle"));
    m_detailSubscriptions = new QTreeWidget(detail);
    m_detailSubscriptions->setObjectName(QStringLiteral("detailSubscriptions"));
    m_detailSubscriptions->setHeaderLabels({tr("Filter"), tr("State"), tr("Expires")});
    m_detailSubscriptions->setRootIsDecorated(false);
    m_detailEvents = new QPlainTextEdit(detail);
    m_detailEvents->setObjectName(QStringLiteral("detailEvents"));
    m_detailEvents->setReadOnly(true);
    auto *detailSplit = new QSplitter(Qt::Horizontal, detail);
    detailSplit->addWidget(m_detailSubscriptions);
    detailSplit->addWidget(m_detailEvents);
    detailLayout->addWidget(m_detailTitle);
    detailLayout->addWidget(detailSplit, 1);

    m_split = new QSplitter(Qt::Vertical, this);
    m_split->setObjectName(QStringLiteral("connectionsSplit"));
    m_split->addWidget(m_view);
    m_split->addWidget(detail);
    m_split->setStretchFactor(0, 3);
    m_split->setStretchFactor(1, 1);
    layout->addWidget(m_split, 1);

    m_detailTimer = new QTimer(this);
    m_detailTimer->setInterval(1000);
    connect(m_detailTimer, &QTimer::timeout, this, &ConnectionsView::refreshDetail);
}

StreamRef ConnectionsView::selectedConnection() const
{
    const QModelIndex current = m_view->currentIndex();
    if (!current.isValid())
        return {};
    return {current.data(ConnectionsModel::NodeRole).toString(),
            current.data(ConnectionsModel::IdRole).toULongLong()};
}

QString ConnectionsView::selectedClient() const
{
    const QModelIndex current = m_view->currentIndex();
    return current.isValid() ? current.data(ConnectionsModel::ClientRole).toString() : QString();
}

QList<ConnectionsView::Selected> ConnectionsView::selectedStreams() const
{
    QModelIndexList rows = m_view->selectionModel()->selectedRows();
    std::sort(rows.begin(), rows.end(),
              [](const QModelIndex &a, const QModelIndex &b) { return a.row() < b.row(); });
    QList<Selected> streams;
    for (const QModelIndex &row : std::as_const(rows)) {
        const quint64 id = row.data(ConnectionsModel::IdRole).toULongLong();
        if (id)
            streams.append({{row.data(ConnectionsModel::NodeRole).toString(), id},
                            row.data(ConnectionsModel::ClientRole).toString()});
    }
    return streams;
}

void ConnectionsView::updateActions()
{
    const bool any = m_view->selectionModel()->hasSelection();
    for (QPushButton *button : {m_kick, m_pause, m_resume})
        button->setEnabled(any);
}

void ConnectionsView::disconnectSelected()
{
    const QList<Selected> selected = selectedStreams();
    if (selected.isEmpty())
        return;
    QList<StreamRef> streams;
    for (const Selected &s : selected)
        streams.append(s.stream);
    Confirmation::Request request;
    request.kind = QStringLiteral("disconnect");
    request.title = tr("Disconnect streams");
    request.question = streams.size() == 1
        ? tr("Disconnect stream %1 of client %2?")
              .arg(streams.first().id)
              .arg(selected.first().client)
        : tr("Disconnect %n selected stream(s)?", nullptr, int(streams.size()));
    request.detail = tr("Each client reads the reason in an `event: disconnect`, then its stream "
                        "ends. Browsers reconnect after their retry time; to keep a client away, "
                        "pause its subscriptions or change the access rules.");
    request.acceptText = tr("Disconnect %n stream(s)", nullptr, int(streams.size()));
    request.askReason = true;
    Confirmation::ask(window(), request, this, [this, streams](const QString &reason) {
        m_controller->kick(streams, reason);
    });
}

void ConnectionsView::pauseSelected(bool pause)
{
    const QList<Selected> selected = selectedStreams();
    if (selected.isEmpty())
        return;
    // Pausing acts on a client's subscriptions: each (node, client) once.
    QList<std::pair<QString, QString>> clients;
    for (const Selected &s : selected) {
        const std::pair<QString, QString> client {s.stream.node, s.client};
        if (!s.client.isEmpty() && !clients.contains(client))
            clients.append(client);
    }
    if (clients.isEmpty())
        return;
    if (selected.size() == 1) {
        m_controller->setClientsPaused(clients, pause);
        return;
    }
    Confirmation::Request request;
    request.kind = pause ? QStringLiteral("pause") : QStringLiteral("resume");
    request.title = pause ? tr("Pause subscriptions") : tr("Resume subscriptions");
    const int n = int(selected.size());
    request.question = pause ? tr("Pause the clients of %n selected stream(s)?", nullptr, n)
                             : tr("Resume the clients of %n selected stream(s)?", nullptr, n);
    request.detail = pause
        ? tr("Every subscription of %n client(s) is paused: their streams stay open but receive "
             "no events until resumed.",
             nullptr, int(clients.size()))
        : tr("Every subscription of %n client(s) is active again; events published meanwhile "
             "are not replayed.",
             nullptr, int(clients.size()));
    request.acceptText = pause ? tr("Pause %n client(s)", nullptr, int(clients.size()))
                               : tr("Resume %n client(s)", nullptr, int(clients.size()));
    Confirmation::ask(window(), request, this, [this, clients, pause](const QString &) {
        m_controller->setClientsPaused(clients, pause);
    });
}

void ConnectionsView::setNodes(const QStringList &nodes)
{
    m_node->setNodes(nodes);
    showNodeColumn(m_view, ConnectionsModel::Node, m_node->multiple());
}

void ConnectionsView::selectedChanged()
{
    refreshDetail();
    if (selectedConnection().id)
        m_detailTimer->start();
    else
        m_detailTimer->stop();
}

void ConnectionsView::refreshDetail()
{
    const StreamRef stream = selectedConnection();
    if (!stream.id)
        return;
    m_controller->streamDetail(
        stream, this, [this, stream](const StreamDetail &d, const QString &error) {
            const StreamRef now = selectedConnection();
            if (now.id != stream.id || now.node != stream.node)
                return;
            if (!error.isEmpty()) {
                m_detailTitle->setText(tr("Stream %1: %2").arg(stream.id).arg(error));
                return;
            }
            if (!d.found) {
                m_detailTitle->setText(tr("Stream %1 has ended.").arg(d.id));
                return;
            }
            m_detailTitle->setText(stream.node.isEmpty() || !m_node->multiple()
                                       ? tr("Stream %1 of client %2").arg(d.id).arg(d.clientId)
                                       : tr("Stream %1 of client %2 on node %3")
                                             .arg(d.id)
                                             .arg(d.clientId, stream.node));
            m_detailSubscriptions->clear();
            for (const SubscriptionRow &s : d.subscriptions) {
                auto *item = new QTreeWidgetItem(m_detailSubscriptions);
                item->setText(0, QString::fromUtf8(s.filter));
                item->setText(1, s.state);
                item->setText(
                    2,
                    s.expiresAt ? QDateTime::fromMSecsSinceEpoch(s.expiresAt).toString(Qt::ISODate)
                                : tr("never"));
            }
            QStringList lines;
            for (const EventRow &e : d.recentEvents)
                lines << QStringLiteral("%1  %2  %3  %4")
                             .arg(QString::fromLatin1(e.id), QString::fromUtf8(e.topic),
                                  QString::fromUtf8(e.type),
                                  QString::fromUtf8(e.payload.left(300)));
            if (lines.isEmpty())
                lines << tr("No recent events for this stream.");
            m_detailEvents->setPlainText(lines.join(QLatin1Char('\n')));
        });
}

void ConnectionsView::restoreState(const QSettings &settings)
{
    m_view->horizontalHeader()->restoreState(
        settings.value(QStringLiteral("connectionsHeader")).toByteArray());
    showNodeColumn(m_view, ConnectionsModel::Node, m_node->multiple());
    if (settings.contains(QStringLiteral("connectionsSplit")))
        m_split->restoreState(settings.value(QStringLiteral("connectionsSplit")).toByteArray());
    else
        m_split->setSizes({480, 180});
}

void ConnectionsView::saveState(QSettings &settings) const
{
    settings.setValue(QStringLiteral("connectionsHeader"), m_view->horizontalHeader()->saveState());
    settings.setValue(QStringLiteral("connectionsSplit"), m_split->saveState());
}

} // namespace ssehub
