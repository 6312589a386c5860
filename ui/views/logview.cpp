#include "logview.h"

#include "models/logmodel.h"
#include "widgets/nodefilterbox.h"
#include "widgets/statecolors.h"
#include "widgets/tables.h"

#include <QComboBox>
#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QSettings>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace ssehub {

LogView::LogView(LogModel *model, QWidget *parent)
    : QWidget(parent)
    , m_filter(new LogFilterModel(this))
{
    setObjectName(QStringLiteral("logPage"));
    m_filter->setSourceModel(model);
    auto *layout = new QVBoxLayout(this);
    auto *top = new QHBoxLayout;
    m_kind = new QComboBox(this);
    m_kind->setObjectName(QStringLiteral("logKind"));
    m_kind->addItem(tr("All kinds"), -1);
    for (int k = 0; k < LogEntry::KindCount; ++k)
        m_kind->addItem(LogModel::kindTitle(LogEntry::Kind(k)), k);
    m_client = new QLineEdit(this);
    m_client->setObjectName(QStringLiteral("logClient"));
    m_client->setPlaceholderText(tr("Client id contains…"));
    m_client->setClearButtonEnabled(true);
    m_since = new QComboBox(this);
    m_since->setObjectName(QStringLiteral("logSince"));
    m_since->addItem(tr("Any time"), 0);
    m_since->addItem(tr("Last 5 minutes"), 5 * 60);
    m_since->addItem(tr("Last 15 minutes"), 15 * 60);
    m_since->addItem(tr("Last hour"), 3600);
    m_since->addItem(tr("Last 24 hours"), 24 * 3600);
    auto *exportButton = new QPushButton(tr("Export…"), this);
    connect(exportButton, &QPushButton::clicked, this, &LogView::exportRequested);
    m_node = new NodeFilterBox(QStringLiteral("logNode"), this);
    connect(m_node, &NodeFilterBox::nodeChanged, m_filter, &LogFilterModel::setNode);
    top->addWidget(m_node);
    top->addWidget(new QLabel(tr("Kind:"), this));
    top->addWidget(m_kind);
    top->addWidget(m_client, 1);
    top->addWidget(m_since);
    top->addWidget(exportButton);
    layout->addLayout(top);
    m_gap = new QLabel(this);
    m_gap->setObjectName(QStringLiteral("logGap"));
    m_gap->setWordWrap(true);
    m_gap->setStyleSheet(severityStyle(palette(), Severity::Bad, false));
    m_gap->hide();
    layout->addWidget(m_gap);
    m_view = makeTable(m_filter, QStringLiteral("logView"), this, false);
    setColumnWidths(m_view, {23, 13, 7, 16, 21, 18, 30, 14});
    placeNodeColumn(m_view, LogModel::Node);
    // Follows new entries while scrolled to the end.
    connect(m_filter, &QAbstractItemModel::rowsAboutToBeInserted, this, [this] {
        const QScrollBar *bar = m_view->verticalScrollBar();
        m_follow = bar->value() >= bar->maximum();
    });
    connect(m_filter, &QAbstractItemModel::rowsInserted, this, [this] {
        if (m_follow)
            QTimer::singleShot(0, m_view, &QTableView::scrollToBottom);
    });
    layout->addWidget(m_view, 1);
    connect(m_kind, &QComboBox::currentIndexChanged, this, &LogView::applyFilter);
    connect(m_client, &QLineEdit::textChanged, this, &LogView::applyFilter);
    connect(m_since, &QComboBox::currentIndexChanged, this, &LogView::applyFilter);
}

void LogView::applyFilter()
{
    QSet<LogEntry::Kind> kinds;
    if (const int kind = m_kind->currentData().toInt(); kind >= 0)
        kinds.insert(LogEntry::Kind(kind));
    m_filter->setKinds(kinds);
    m_filter->setClientText(m_client->text());
    const int seconds = m_since->currentData().toInt();
    m_filter->setSince(seconds > 0 ? QDateTime::currentMSecsSinceEpoch() - seconds * 1000LL : 0);
}

void LogView::noteGap(quint64 missed, qint64 lostAtMs)
{
    if (missed == 0) {
        m_gapMissed = 0;
        m_gap->hide();
        return;
    }
    m_gapMissed += missed;
    m_gap->setText(tr("This log is incomplete: %n entry(s) from the outage that began at %1 are "
                      "missing (the server no longer held them when the console reconnected). "
                      "The server's log file or GET /log may still have them.",
                      nullptr, int(qMin<quint64>(m_gapMissed, INT_MAX)))
                       .arg(QDateTime::fromMSecsSinceEpoch(lostAtMs).toString(
                           QStringLiteral("yyyy-MM-dd HH:mm:ss"))));
    m_gap->show();
}

void LogView::setNodes(const QStringList &nodes)
{
    m_node->setNodes(nodes);
    showNodeColumn(m_view, LogModel::Node, m_node->multiple());
}

void LogView::restoreState(const QSettings &settings)
{
    m_view->horizontalHeader()->restoreState(
        settings.value(QStringLiteral("logHeader")).toByteArray());
    showNodeColumn(m_view, LogModel::Node, m_node->multiple());
}

void LogView::saveState(QSettings &settings) const
{
    settings.setValue(QStringLiteral("logHeader"), m_view->horizontalHeader()->saveState());
}

} // namespace ssehub
