#include "connectionsview.h"

#include "enginecontroller.h"
#include "format.h"
#include "models/connectionsmodel.h"
#include "models/nodefiltermodel.h"
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
    addButton(tr("Disconnect"), QStringLiteral("kickButton"), [this] { kickSelected(); });
    addButton(tr("Pause"), QStringLiteral("pauseButton"), [this] { pauseSelected(true); });
    addButton(tr("Resume"), QStringLiteral("resumeButton"), [this] { pauseSelected(false); });
    addButton(tr("Copy id"), QStringLiteral("copyIdButton"), [this] {
        if (const QString client = selectedClient(); !client.isEmpty())
            QGuiApplication::clipboard()->setText(client);
    });
    layout->addLayout(top);

    m_view = makeTable(m_filter, QStringLiteral("connectionsView"), this);
    m_view->sortByColumn(ConnectionsModel::Id, Qt::AscendingOrder);
    fitColumns(m_view, {6, 14, 17, 24, 20, 12, 8, 10, 10, 8, 8, 8, 14},
               {ConnectionsModel::UserAgent, ConnectionsModel::Filters});
    placeNodeColumn(m_view, ConnectionsModel::Node);
    m_view->setContextMenuPolicy(Qt::ActionsContextMenu);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &ConnectionsView::selectedChanged);

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
    auto *tableBox = new QWidget(this);
    auto *tableLayout = new QVBoxLayout(tableBox);
    tableLayout->setContentsMargins(0, 0, 0, 0);
    tableLayout->addWidget(m_view, 1);
    tableLayout->addWidget(new ShownCount(m_filter, QStringLiteral("connectionsShown"), tableBox));
    m_split->addWidget(tableBox);
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

void ConnectionsView::kickSelected()
{
    if (const StreamRef stream = selectedConnection(); stream.id)
        m_controller->kick(stream);
}

void ConnectionsView::pauseSelected(bool pause)
{
    if (const QString client = selectedClient(); !client.isEmpty())
        m_controller->setClientPaused(selectedConnection().node, client, pause);
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
                item->setText(2, s.expiresAt ? formatTime(s.expiresAt) : tr("never"));
                if (s.expiresAt)
                    item->setToolTip(2, formatFullTime(s.expiresAt));
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
    restoreColumns(m_view, settings.value(QStringLiteral("connectionsColumns")).toByteArray());
    showNodeColumn(m_view, ConnectionsModel::Node, m_node->multiple());
    if (settings.contains(QStringLiteral("connectionsSplit")))
        m_split->restoreState(settings.value(QStringLiteral("connectionsSplit")).toByteArray());
    else
        m_split->setSizes({480, 180});
}

void ConnectionsView::saveState(QSettings &settings) const
{
    settings.setValue(QStringLiteral("connectionsColumns"), saveColumns(m_view));
    settings.setValue(QStringLiteral("connectionsSplit"), m_split->saveState());
}

} // namespace ssehub
