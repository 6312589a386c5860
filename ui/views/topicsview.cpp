#include "topicsview.h"

#include "enginecontroller.h"
#include "models/topicsfiltermodel.h"
#include "models/topicsmodel.h"
#include "presencepanel.h"

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
#include <QToolButton>
#include <QTreeView>
#include <QVBoxLayout>

namespace ssehub {

TopicsView::TopicsView(TopicsModel *model, EngineController *controller, QWidget *parent)
    : QWidget(parent)
    , m_controller(controller)
    , m_topics(model)
    , m_filter(new TopicsFilterModel(this))
{
    setObjectName(QStringLiteral("topicsPage"));
    auto *layout = new QVBoxLayout(this);
    m_filter->setSourceModel(m_topics);
    m_view = new QTreeView(this);
    m_view->setObjectName(QStringLiteral("topicsView"));
    m_view->setModel(m_filter);
    m_view->setUniformRowHeights(true);
    m_view->setAlternatingRowColors(true);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(TopicsModel::Level, Qt::AscendingOrder);
    m_view->header()->setStretchLastSection(true);
    m_view->header()->resizeSection(TopicsModel::Level, 220);
    // New levels open as they appear (a tree of a few hundred nodes stays readable).
    connect(m_filter, &QAbstractItemModel::rowsInserted, m_view, [this](const QModelIndex &parent) {
        if (!parent.isValid() || m_filter->rowCount(parent) < 50)
            m_view->expand(parent);
    });
    m_search = new QLineEdit(this);
    m_search->setObjectName(QStringLiteral("topicsSearch"));
    m_search->setPlaceholderText(tr("Search topics and filters…"));
    m_search->setClearButtonEnabled(true);
    connect(m_search, &QLineEdit::textChanged, this, [this](const QString &text) {
        m_filter->setSearch(text.trimmed());
        if (!text.trimmed().isEmpty())
            m_view->expandAll(); // what matched shows, however deep
    });

    auto *actions = new QHBoxLayout;
    auto *publish = new QPushButton(tr("Publish test event…"), this);
    publish->setObjectName(QStringLiteral("topicsPublish"));
    connect(publish, &QPushButton::clicked, this, &TopicsView::publishRequested);
    m_tailFilter = new QLineEdit(this);
    m_tailFilter->setObjectName(QStringLiteral("tailFilter"));
    m_tailFilter->setPlaceholderText(tr("Topic or filter to tail, e.g. sensor/+/data"));
    auto *tail = new QPushButton(tr("Tail"), this);
    tail->setObjectName(QStringLiteral("tailStart"));
    connect(tail, &QPushButton::clicked, this, [this] { startTail(m_tailFilter->text()); });
    connect(m_tailFilter, &QLineEdit::returnPressed, this,
            [this] { startTail(m_tailFilter->text()); });
    auto *stop = new QPushButton(tr("Stop"), this);
    connect(stop, &QPushButton::clicked, this, &TopicsView::stopTail);
    actions->addWidget(m_search, 1);
    actions->addWidget(publish);
    actions->addSpacing(16);
    actions->addWidget(m_tailFilter, 1);
    actions->addWidget(tail);
    actions->addWidget(stop);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex &current) {
                const QModelIndex first = current.siblingAtColumn(0);
                const QByteArray path = first.data(TopicsModel::PathRole).toByteArray();
                m_tailFilter->setText(QString::fromUtf8(path));
                m_presence->setTopic(path);
            });
    m_presence = new PresencePanel(controller, this);

    auto *tailBox = new QWidget(this);
    auto *tailLayout = new QVBoxLayout(tailBox);
    tailLayout->setContentsMargins(0, 0, 0, 0);
    auto *tailBar = new QHBoxLayout;
    m_tailState = new QLabel(tr("No live tail."), tailBox);
    m_tailState->setObjectName(QStringLiteral("tailState"));
    m_tailPause = new QToolButton(tailBox);
    m_tailPause->setText(tr("Pause"));
    m_tailPause->setCheckable(true);
    m_tailPause->setObjectName(QStringLiteral("tailPause"));
    auto *clear = new QToolButton(tailBox);
    clear->setText(tr("Clear"));
    auto *copy = new QToolButton(tailBox);
    copy->setText(tr("Copy"));
    tailBar->addWidget(m_tailState, 1);
    tailBar->addWidget(m_tailPause);
    tailBar->addWidget(clear);
    tailBar->addWidget(copy);
    m_tail = new QPlainTextEdit(tailBox);
    m_tail->setObjectName(QStringLiteral("tailText"));
    m_tail->setReadOnly(true);
    m_tail->setMaximumBlockCount(2000);
    m_tail->setLineWrapMode(QPlainTextEdit::NoWrap);
    // On a small screen (or at a large scale factor) the tail gives its room to the tree and the
    // presence above it down to a few lines.
    m_tail->setMinimumHeight(3 * m_tail->fontMetrics().lineSpacing());
    connect(clear, &QToolButton::clicked, m_tail, &QPlainTextEdit::clear);
    connect(copy, &QToolButton::clicked, this,
            [this] { QGuiApplication::clipboard()->setText(m_tail->toPlainText()); });
    tailLayout->addLayout(tailBar);
    tailLayout->addWidget(m_tail, 1);

    m_split = new QSplitter(Qt::Vertical, this);
    m_split->setObjectName(QStringLiteral("topicsSplit"));
    m_split->addWidget(m_view);
    m_split->addWidget(m_presence);
    m_split->addWidget(tailBox);
    m_split->setStretchFactor(0, 3);
    m_split->setStretchFactor(1, 2);
    m_split->setStretchFactor(2, 1);
    layout->addLayout(actions);
    layout->addWidget(m_split, 1);
}

QString TopicsView::tailFilterText() const
{
    return m_tailFilter->text();
}

void TopicsView::startTail(const QString &filter)
{
    m_controller->startTail(filter, this,
                            [this](const QString &state) { m_tailState->setText(state); });
}

void TopicsView::stopTail()
{
    m_controller->stopTail();
    m_tailState->setText(tr("No live tail."));
}

void TopicsView::applySnapshot(const ConsoleSnapshot &s)
{
    if (!s.tail.isEmpty() && !m_tailPause->isChecked()) {
        QString lines;
        for (const EventRow &e : s.tail) {
            lines += QDateTime::fromMSecsSinceEpoch(e.time).toString(QStringLiteral("HH:mm:ss.zzz"))
                + QLatin1Char(' ') + QString::fromUtf8(e.topic)
                + (e.type.isEmpty()
                       ? QString()
                       : QLatin1String(" [") + QString::fromUtf8(e.type) + QLatin1Char(']'))
                + QLatin1Char(' ') + QString::fromUtf8(e.payload.left(2000)) + QLatin1Char('\n');
        }
        lines.chop(1);
        m_tail->appendPlainText(lines);
    }
    if (s.tailDropped > 0 && !m_tailPause->isChecked())
        m_tail->appendPlainText(tr("… %n event(s) not shown (more than the tail keeps per update)",
                                   nullptr, int(s.tailDropped)));
}

bool TopicsView::selectTopic(const QByteArray &path)
{
    const QStandardItem *item = path.isEmpty() ? nullptr : m_topics->itemFor(path);
    const QModelIndex index = item ? m_filter->mapFromSource(item->index()) : QModelIndex();
    if (!index.isValid())
        return false;
    m_view->setCurrentIndex(index);
    m_view->scrollTo(index);
    return true;
}

void TopicsView::clear()
{
    m_presence->clear();
}

void TopicsView::restoreState(const QSettings &settings)
{
    m_view->header()->restoreState(settings.value(QStringLiteral("topicsHeader")).toByteArray());
    // Three panes since the presence panel ("topicsSplit" held two).
    if (settings.contains(QStringLiteral("topicsPanes")))
        m_split->restoreState(settings.value(QStringLiteral("topicsPanes")).toByteArray());
    else
        m_split->setSizes({320, 260, 110});
    m_presence->restoreState(settings);
}

void TopicsView::saveState(QSettings &settings) const
{
    settings.setValue(QStringLiteral("topicsHeader"), m_view->header()->saveState());
    settings.setValue(QStringLiteral("topicsPanes"), m_split->saveState());
    m_presence->saveState(settings);
}

} // namespace ssehub
