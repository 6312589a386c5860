#include "clientsview.h"

#include "enginecontroller.h"
#include "format.h"
#include "models/clientsmodel.h"
#include "widgets/confirmation.h"
#include "widgets/tables.h"

#include <QAction>
#include <QClipboard>
#include <QComboBox>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QTableView>
#include <QTimer>
#include <QToolButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace ssehub {

namespace {

enum SubscriptionColumn { FilterColumn, StateColumn, CreatedColumn, UpdatedColumn, ExpiresColumn };

QString stateText(const QString &state)
{
    // The engine's names (the API's), in the operator's language.
    if (state == QLatin1String("active"))
        return ClientsView::tr("active");
    if (state == QLatin1String("paused"))
        return ClientsView::tr("paused");
    if (state == QLatin1String("expired"))
        return ClientsView::tr("expired");
    if (state == QLatin1String("archived"))
        return ClientsView::tr("archived");
    return state;
}

} // namespace

ClientsView::ClientsView(EngineController *controller, QWidget *parent)
    : QWidget(parent)
    , m_controller(controller)
    , m_model(new ClientsModel(this))
{
    setObjectName(QStringLiteral("clientsPage"));
    auto *layout = new QVBoxLayout(this);
    auto *top = new QHBoxLayout;
    m_search = new QLineEdit(this);
    m_search->setObjectName(QStringLiteral("clientsSearch"));
    m_search->setPlaceholderText(tr("Search client id, address, filter…"));
    m_search->setClearButtonEnabled(true);
    m_search->setMaxLength(int(ClientQuery::MaxSearchChars));
    m_presence = new QComboBox(this);
    m_presence->setObjectName(QStringLiteral("clientsPresence"));
    m_presence->addItem(tr("Online and offline"), int(ClientQuery::Presence::Any));
    m_presence->addItem(tr("Online"), int(ClientQuery::Presence::Online));
    m_presence->addItem(tr("Offline"), int(ClientQuery::Presence::Offline));
    m_count = new QLabel(this);
    m_count->setObjectName(QStringLiteral("clientsCount"));
    m_count->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_previous = new QPushButton(tr("Previous"), this);
    m_previous->setObjectName(QStringLiteral("clientsPrevious"));
    m_next = new QPushButton(tr("Next"), this);
    m_next->setObjectName(QStringLiteral("clientsNext"));
    top->addWidget(m_search, 1);
    top->addWidget(m_presence);
    top->addWidget(m_count);
    top->addWidget(m_previous);
    top->addWidget(m_next);
    layout->addLayout(top);

    // A search waits for typing to pause; it starts again from the first page.
    m_searchDelay = new QTimer(this);
    m_searchDelay->setSingleShot(true);
    m_searchDelay->setInterval(250);
    connect(m_searchDelay, &QTimer::timeout, this, [this] {
        m_offset = 0;
        refresh();
    });
    connect(m_search, &QLineEdit::textChanged, m_searchDelay, qOverload<>(&QTimer::start));
    connect(m_presence, &QComboBox::currentIndexChanged, this, [this] {
        m_offset = 0;
        refresh();
    });
    connect(m_previous, &QPushButton::clicked, this, [this] {
        m_offset = qMax<qsizetype>(0, m_offset - PageSize);
        refresh();
    });
    connect(m_next, &QPushButton::clicked, this, [this] {
        if (m_model->page().nextOffset >= 0)
            m_offset = m_model->page().nextOffset;
        refresh();
    });

    m_view = makeTable(m_model, QStringLiteral("clientsView"), this, false);
    fitColumns(m_view, {24, 9, 8, 22, 16, 22, 12, 10},
               {ClientsModel::Addresses, ClientsModel::Subscriptions});
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &ClientsView::selectedChanged);
    // The client's row: every subscription at once, and its id.
    m_view->setContextMenuPolicy(Qt::ActionsContextMenu);
    auto addClientAction = [&](const QString &text, const QString &name, auto slot) {
        auto *a = new QAction(text, m_view);
        a->setObjectName(name);
        connect(a, &QAction::triggered, this, slot);
        m_view->addAction(a);
    };
    addClientAction(tr("Pause all subscriptions"), QStringLiteral("clientPauseAllAction"), [this] {
        if (!m_selectedId.isEmpty())
            m_controller->setClientPaused({}, m_selectedId, true);
    });
    addClientAction(tr("Resume all subscriptions"), QStringLiteral("clientResumeAllAction"),
                    [this] {
                        if (!m_selectedId.isEmpty())
                            m_controller->setClientPaused({}, m_selectedId, false);
                    });
    addClientAction(tr("Copy client id"), QStringLiteral("clientCopyIdAction"), [this] {
        if (!m_selectedId.isEmpty())
            QGuiApplication::clipboard()->setText(m_selectedId);
    });
    // Whatever the operator did (here or in another view) shows at once, not at the next tick.
    connect(m_controller, &EngineController::reported, this, [this] {
        if (isVisible())
            refresh();
    });
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
        // The selection model is cleared by a reset: ours is put back by applyPage.
        if (!m_applying)
            selectedChanged();
    });

    auto *detail = new QWidget(this);
    auto *detailLayout = new QVBoxLayout(detail);
    detailLayout->setContentsMargins(0, 0, 0, 0);
    m_detailTitle = new QLabel(detail);
    m_detailTitle->setObjectName(QStringLiteral("clientsDetailTitle"));
    m_detailTitle->setWordWrap(true);
    m_detailTitle->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_subscriptions = new QTreeWidget(detail);
    m_subscriptions->setObjectName(QStringLiteral("clientSubscriptions"));
    m_subscriptions->setHeaderLabels(
        {tr("Filter"), tr("State"), tr("Created"), tr("Updated"), tr("Expires")});
    m_subscriptions->setRootIsDecorated(false);
    m_subscriptions->setUniformRowHeights(true);
    m_subscriptions->setContextMenuPolicy(Qt::ActionsContextMenu);
    const int unit = m_subscriptions->fontMetrics().averageCharWidth();
    m_subscriptions->header()->resizeSection(FilterColumn, 30 * unit);
    m_subscriptions->header()->resizeSection(StateColumn, 12 * unit);
    for (int c : {CreatedColumn, UpdatedColumn, ExpiresColumn})
        m_subscriptions->header()->resizeSection(c, 21 * unit);
    connect(m_subscriptions, &QTreeWidget::currentItemChanged, this, &ClientsView::updateActions);

    auto *buttons = new QHBoxLayout;
    auto addAction = [&](const QString &text, const QString &name, SubscriptionAction action) {
        auto *a = new QAction(text, this);
        a->setObjectName(name + QStringLiteral("Action"));
        connect(a, &QAction::triggered, this, [this, action] { act(action); });
        m_subscriptions->addAction(a);
        auto *button = new QToolButton(detail);
        button->setObjectName(name + QStringLiteral("Button"));
        button->setDefaultAction(a);
        buttons->addWidget(button);
        return a;
    };
    m_pause
        = addAction(tr("Pause"), QStringLiteral("subscriptionPause"), SubscriptionAction::Pause);
    m_resume
        = addAction(tr("Resume"), QStringLiteral("subscriptionResume"), SubscriptionAction::Resume);
    m_expire = addAction(tr("Expire…"), QStringLiteral("subscriptionExpire"),
                         SubscriptionAction::Expire);
    m_delete = addAction(tr("Delete…"), QStringLiteral("subscriptionDelete"),
                         SubscriptionAction::Delete);
    buttons->addStretch(1);
    detailLayout->addWidget(m_detailTitle);
    detailLayout->addWidget(m_subscriptions, 1);
    detailLayout->addLayout(buttons);

    m_split = new QSplitter(Qt::Vertical, this);
    m_split->setObjectName(QStringLiteral("clientsSplit"));
    m_split->addWidget(m_view);
    m_split->addWidget(detail);
    m_split->setStretchFactor(0, 3);
    m_split->setStretchFactor(1, 2);
    layout->addWidget(m_split, 1);

    m_timer = new QTimer(this);
    m_timer->setInterval(RefreshMs);
    connect(m_timer, &QTimer::timeout, this, &ClientsView::refresh);
    applyPage({}, {});
}

ClientQuery ClientsView::query() const
{
    ClientQuery q;
    q.search = m_search->text().left(ClientQuery::MaxSearchChars);
    q.presence = ClientQuery::Presence(m_presence->currentData().toInt());
    q.offset = m_offset;
    q.limit = PageSize;
    return q;
}

void ClientsView::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    m_timer->start();
    refresh();
}

void ClientsView::hideEvent(QHideEvent *event)
{
    QWidget::hideEvent(event);
    m_timer->stop();
}

void ClientsView::refresh()
{
    // One question at a time; one that was never answered (the engine stopped meanwhile) is
    // given up after a while.
    if (m_inFlight && m_asked.isValid() && m_asked.elapsed() < 10000) {
        m_again = true;
        return;
    }
    m_inFlight = true;
    m_again = false;
    m_asked.start();
    const quint64 generation = ++m_generation;
    const ClientQuery asked = query();
    m_controller->listClients(
        asked, this, [this, asked, generation](const ClientPage &page, const QString &error) {
            if (generation != m_generation)
                return; // given up, or another server is shown
            m_inFlight = false;
            // An answer to an older question is not shown.
            const ClientQuery now = query();
            if (m_again || now.search != asked.search || now.presence != asked.presence
                || now.offset != asked.offset) {
                refresh();
                return;
            }
            applyPage(page, error);
        });
}

void ClientsView::clear()
{
    ++m_generation; // what the old server answers is dropped
    m_inFlight = false;
    m_again = false;
    m_offset = 0;
    m_selectedId.clear();
    applyPage({}, {});
}

void ClientsView::applyPage(const ClientPage &page, const QString &error)
{
    const QString keep = m_selectedId;
    const QByteArray keepFilter = selectedFilter();
    m_applying = true;
    if (error.isEmpty())
        m_model->setPage(page);
    m_applying = false;
    if (!error.isEmpty()) {
        m_count->setText(tr("Clients not read: %1").arg(error));
        m_count->setToolTip(error);
    } else if (page.matching == 0) {
        m_count->setText(tr("0 of %1 shown").arg(formatCount(quint64(page.known))));
        m_count->setToolTip({});
    } else {
        const qsizetype first = page.offset + 1;
        const qsizetype last = page.offset + page.clients.size();
        QString text = page.clients.size() == page.matching
            ? tr("%1 of %2 shown")
                  .arg(formatCount(quint64(page.matching)), formatCount(quint64(page.known)))
            : tr("%1-%2 of %3 shown (%4 known)")
                  .arg(formatCount(quint64(first)), formatCount(quint64(last)),
                       formatCount(quint64(page.matching)), formatCount(quint64(page.known)));
        m_count->setText(text);
        m_count->setToolTip(
            page.cluster ? tr("Cluster: every stored client of the cluster; streams, addresses and "
                              "last seen are those of node %1.")
                               .arg(page.node)
                         : QString());
    }
    const bool paged = m_model->page().offset > 0 || m_model->page().nextOffset >= 0;
    m_previous->setVisible(paged);
    m_next->setVisible(paged);
    m_previous->setEnabled(m_model->page().offset > 0);
    m_next->setEnabled(m_model->page().nextOffset >= 0);

    // The same client stays selected, wherever its row went; gone: nothing is.
    const int row = keep.isEmpty() ? -1 : m_model->rowOf(keep);
    m_applying = true;
    if (row >= 0) {
        const QModelIndex index = m_model->index(row, 0);
        if (m_view->currentIndex().row() != row)
            m_view->setCurrentIndex(index);
        m_view->selectionModel()->select(
            index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    } else if (error.isEmpty()) {
        m_view->selectionModel()->clearSelection();
        m_view->setCurrentIndex({});
    }
    m_applying = false;
    if (row < 0 && error.isEmpty())
        m_selectedId.clear();
    showDetail();
    // The same subscription stays current.
    for (int i = 0; i < m_subscriptions->topLevelItemCount(); ++i) {
        QTreeWidgetItem *item = m_subscriptions->topLevelItem(i);
        if (item->text(FilterColumn).toUtf8() == keepFilter)
            m_subscriptions->setCurrentItem(item);
    }
    updateActions();
    if (error.isEmpty())
        Q_EMIT refreshed();
}

void ClientsView::selectedChanged()
{
    if (m_applying)
        return;
    const QModelIndex current = m_view->currentIndex();
    m_selectedId = current.isValid() ? current.data(ClientsModel::IdRole).toString() : QString();
    showDetail();
    updateActions();
}

void ClientsView::showDetail()
{
    const int row = m_selectedId.isEmpty() ? -1 : m_model->rowOf(m_selectedId);
    m_subscriptions->clear();
    if (row < 0) {
        m_detailTitle->setText(tr("Select a client to see its subscriptions."));
        return;
    }
    const ClientInfo &c = m_model->clientAt(row);
    QStringList parts;
    parts << (c.online() ? tr("Client %1: online, %n stream(s)", nullptr, c.streams).arg(c.id)
                         : tr("Client %1: offline").arg(c.id));
    if (!c.addresses.isEmpty())
        parts << tr("from %1").arg(c.addresses.join(QStringLiteral(", ")));
    if (!c.online())
        parts << tr("last seen %1")
                     .arg(c.lastSeenMs ? ClientsModel::timeText(c.lastSeenMs)
                                       : tr("not since the server started"));
    parts << (c.hasAck ? tr("acked cursor %1").arg(QString::fromLatin1(c.acked))
                       : tr("no acked cursor"));
    parts << (c.stored ? tr("stored") : tr("anonymous (forgotten with its last stream)"));
    if (c.subscriptions.size() < c.subscriptionCount)
        parts << tr("%1 of %2 subscriptions shown")
                     .arg(c.subscriptions.size())
                     .arg(c.subscriptionCount);
    m_detailTitle->setText(parts.join(QStringLiteral("; ")));
    for (const ClientSubscription &s : c.subscriptions) {
        auto *item = new QTreeWidgetItem(m_subscriptions);
        item->setText(FilterColumn, QString::fromUtf8(s.filter));
        item->setData(StateColumn, Qt::UserRole, s.state);
        item->setText(StateColumn, stateText(s.state));
        item->setText(CreatedColumn, ClientsModel::timeText(s.createdAt));
        item->setText(UpdatedColumn, ClientsModel::timeText(s.updatedAt));
        item->setText(ExpiresColumn,
                      s.expiresAt ? ClientsModel::timeText(s.expiresAt) : tr("never"));
        for (int col = 0; col < m_subscriptions->columnCount(); ++col)
            item->setToolTip(col, item->text(col));
    }
    if (m_subscriptions->topLevelItemCount() == 1)
        m_subscriptions->setCurrentItem(m_subscriptions->topLevelItem(0));
}

QByteArray ClientsView::selectedFilter() const
{
    const QTreeWidgetItem *item = m_subscriptions->currentItem();
    return item ? item->text(FilterColumn).toUtf8() : QByteArray();
}

void ClientsView::updateActions()
{
    const QTreeWidgetItem *item = m_subscriptions->currentItem();
    const QString state = item ? item->data(StateColumn, Qt::UserRole).toString() : QString();
    const bool live = state == QLatin1String("active") || state == QLatin1String("paused");
    m_pause->setEnabled(state == QLatin1String("active"));
    m_resume->setEnabled(state == QLatin1String("paused"));
    m_expire->setEnabled(live);
    m_delete->setEnabled(item != nullptr);
}

void ClientsView::act(SubscriptionAction action)
{
    const QString clientId = m_selectedId;
    const QByteArray filter = selectedFilter();
    if (clientId.isEmpty() || filter.isEmpty())
        return;
    auto run = [this, clientId, filter, action](const QString &) {
        // The outcome is reported(), which refreshes the page.
        m_controller->changeSubscription(clientId, filter, action, this, {});
    };
    if (action != SubscriptionAction::Expire && action != SubscriptionAction::Delete) {
        run({});
        return;
    }
    // Expire and delete end delivery: asked first, as every such action of the console is.
    const QString topic = QString::fromUtf8(filter);
    Confirmation::Request request;
    if (action == SubscriptionAction::Expire) {
        request.kind = QStringLiteral("expire-subscription");
        request.title = tr("Expire subscription");
        request.question = tr("Expire subscription %1 of client %2 now?").arg(topic, clientId);
        request.detail = tr("Its streams stop receiving it; it can be renewed within the grace "
                            "period.");
        request.acceptText = tr("Expire");
    } else {
        request.kind = QStringLiteral("delete-subscription");
        request.title = tr("Delete subscription");
        request.question = tr("Delete subscription %1 of client %2?").arg(topic, clientId);
        request.detail = tr("Its streams stop receiving it at once, and it is gone for good.");
        request.acceptText = tr("Delete");
    }
    Confirmation::ask(window(), request, this, run);
}

void ClientsView::restoreState(const QSettings &settings)
{
    restoreColumns(m_view, settings.value(QStringLiteral("clientsHeader")).toByteArray());
    if (settings.contains(QStringLiteral("clientsSplit")))
        m_split->restoreState(settings.value(QStringLiteral("clientsSplit")).toByteArray());
    else
        m_split->setSizes({400, 260});
}

void ClientsView::saveState(QSettings &settings) const
{
    settings.setValue(QStringLiteral("clientsHeader"), saveColumns(m_view));
    settings.setValue(QStringLiteral("clientsSplit"), m_split->saveState());
}

} // namespace ssehub
