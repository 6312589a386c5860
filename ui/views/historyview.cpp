#include "historyview.h"

#include "enginecontroller.h"
#include "format.h"
#include "models/historymodel.h"
#include "widgets/tables.h"

#include <QComboBox>
#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSettings>
#include <QSpinBox>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>

namespace ssehub {

namespace {

constexpr qsizetype MaxFilterBytes = 256; // the protocol's bound (MaxTopicBytes)
constexpr qsizetype MaxPaneChars = 64 * 1024; // of a payload in the pane

quint64 idOf(const EventRow &e)
{
    quint64 id = 0;
    parseHistoryId(e.id, &id);
    return id;
}

} // namespace

HistoryView::HistoryView(EngineController *controller, QWidget *parent)
    : QWidget(parent)
    , m_controller(controller)
    , m_model(new HistoryModel(this))
{
    setObjectName(QStringLiteral("historyPage"));
    auto *layout = new QVBoxLayout(this);

    auto *query = new QHBoxLayout;
    m_filter = new QLineEdit(this);
    m_filter->setObjectName(QStringLiteral("historyFilter"));
    m_filter->setPlaceholderText(tr("Topic or filter, e.g. sensor/+/data (empty: every topic)"));
    m_filter->setClearButtonEnabled(true);
    m_from = new QLineEdit(this);
    m_from->setObjectName(QStringLiteral("historyFrom"));
    m_from->setPlaceholderText(tr("From: event id or time"));
    m_from->setToolTip(tr("The first event to show: an event id, or a time such as 14:05, "
                          "14:05:30 or 2026-12-02 14:05:30 (local time)"));
    m_to = new QLineEdit(this);
    m_to->setObjectName(QStringLiteral("historyTo"));
    m_to->setPlaceholderText(tr("To: event id or time"));
    m_to->setToolTip(tr("The last event to show: an event id (included), or a time (events "
                        "published before it)"));
    m_order = new QComboBox(this);
    m_order->setObjectName(QStringLiteral("historyOrder"));
    m_order->addItem(tr("Newest first"), true);
    m_order->addItem(tr("Oldest first"), false);
    m_pageSize = new QSpinBox(this);
    m_pageSize->setObjectName(QStringLiteral("historyPageSize"));
    m_pageSize->setRange(10, HistoryQuery::MaxLimit);
    m_pageSize->setSingleStep(50);
    m_pageSize->setValue(HistoryQuery::DefaultLimit);
    m_pageSize->setSuffix(tr(" per page"));
    m_search = new QPushButton(tr("Show"), this);
    m_search->setObjectName(QStringLiteral("historySearch"));
    m_search->setDefault(true);
    query->addWidget(m_filter, 3);
    query->addWidget(m_from, 2);
    query->addWidget(m_to, 2);
    query->addWidget(m_order);
    query->addWidget(m_pageSize);
    query->addWidget(m_search);

    auto *paging = new QHBoxLayout;
    m_header = new QLabel(tr("Choose a topic filter and press Show."), this);
    m_header->setObjectName(QStringLiteral("historyHeader"));
    m_header->setWordWrap(true);
    m_header->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_newer = new QPushButton(tr("Newer"), this);
    m_newer->setObjectName(QStringLiteral("historyNewer"));
    m_older = new QPushButton(tr("Older"), this);
    m_older->setObjectName(QStringLiteral("historyOlder"));
    paging->addWidget(m_header, 1);
    paging->addWidget(m_newer);
    paging->addWidget(m_older);

    m_state = new QLabel(this);
    m_state->setObjectName(QStringLiteral("historyState"));
    m_state->setWordWrap(true);
    m_state->hide();

    m_table = makeTable(m_model, QStringLiteral("historyTable"), this, false);
    fitColumns(m_table, {21, 25, 28, 12, 40}, {4});
    m_payload = new QPlainTextEdit(this);
    m_payload->setObjectName(QStringLiteral("historyPayload"));
    m_payload->setReadOnly(true);
    m_payload->setPlaceholderText(tr("Select an event to see its payload."));
    m_split = new QSplitter(Qt::Vertical, this);
    m_split->setObjectName(QStringLiteral("historySplit"));
    m_split->addWidget(m_table);
    m_split->addWidget(m_payload);
    m_split->setStretchFactor(0, 3);
    m_split->setStretchFactor(1, 1);

    layout->addLayout(query);
    layout->addLayout(paging);
    layout->addWidget(m_state);
    layout->addWidget(m_split, 1);

    connect(m_search, &QPushButton::clicked, this, &HistoryView::search);
    for (QLineEdit *edit : {m_filter, m_from, m_to})
        connect(edit, &QLineEdit::returnPressed, this, &HistoryView::search);
    connect(m_older, &QPushButton::clicked, this, &HistoryView::showOlder);
    connect(m_newer, &QPushButton::clicked, this, &HistoryView::showNewer);
    // A filter that cannot be one is marked as it is typed.
    connect(m_filter, &QLineEdit::textChanged, this, [this](const QString &text) {
        const QString problem = filterProblem(text);
        m_filter->setToolTip(problem);
        m_filter->setStyleSheet(problem.isEmpty() ? QString()
                                                  : QStringLiteral("QLineEdit { color: #b00020 }"));
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &HistoryView::showSelected);
    updateButtons();
}

QString HistoryView::filterProblem(const QString &text)
{
    if (text.isEmpty())
        return {};
    const QByteArray utf8 = text.toUtf8();
    if (utf8.size() > MaxFilterBytes)
        return tr("A filter has at most %1 bytes.").arg(MaxFilterBytes);
    for (const QChar c : text) {
        if (c.category() == QChar::Other_Control)
            return tr("A filter has no control characters.");
    }
    const QList<QByteArray> levels = utf8.split('/');
    for (qsizetype i = 0; i < levels.size(); ++i) {
        const QByteArray &level = levels.at(i);
        if (level.contains('#') && (level != "#" || i != levels.size() - 1))
            return tr("'#' must be a whole level, and the last one (e.g. sensor/#).");
        if (level.contains('+') && level != "+")
            return tr("'+' must be a whole level (e.g. sensor/+/data).");
    }
    return {};
}

bool HistoryView::parseBound(const QString &text, Bound *out)
{
    const QString t = text.trimmed();
    static const QRegularExpression idPattern(QStringLiteral("^\\d+(-\\d+)?$"));
    if (idPattern.match(t).hasMatch()) {
        Bound b;
        b.isId = true;
        if (!parseHistoryId(t.toLatin1(), &b.id))
            return false;
        *out = b;
        return true;
    }
    QDateTime time = QDateTime::fromString(t, Qt::ISODateWithMs);
    for (const QString &format :
         {QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz"), QStringLiteral("yyyy-MM-dd HH:mm:ss"),
          QStringLiteral("yyyy-MM-dd HH:mm")}) {
        if (!time.isValid())
            time = QDateTime::fromString(t, format);
    }
    if (!time.isValid()) {
        // A time of day: today's.
        for (const QString &format : {QStringLiteral("HH:mm:ss.zzz"), QStringLiteral("HH:mm:ss"),
                                      QStringLiteral("HH:mm")}) {
            const QTime day = QTime::fromString(t, format);
            if (day.isValid()) {
                time = QDateTime(QDate::currentDate(), day);
                break;
            }
        }
    }
    if (!time.isValid())
        return false;
    *out = Bound {false, 0, time.toMSecsSinceEpoch()};
    return true;
}

void HistoryView::setState(const QString &text, bool error)
{
    m_state->setText(text);
    m_state->setStyleSheet(error ? QStringLiteral("color: #b00020") : QString());
    m_state->setVisible(!text.isEmpty());
}

bool HistoryView::fieldsQuery(HistoryQuery *query)
{
    const QString filter = m_filter->text().trimmed();
    if (const QString problem = filterProblem(filter); !problem.isEmpty()) {
        setState(problem, true);
        return false;
    }
    HistoryQuery q;
    q.filter = filter.isEmpty() ? QByteArrayLiteral("#") : filter.toUtf8();
    q.limit = m_pageSize->value();
    q.descending = m_order->currentData().toBool();
    Bound from, to;
    if (!m_from->text().trimmed().isEmpty()) {
        if (!parseBound(m_from->text(), &from)) {
            setState(tr("From must be an event id or a time such as 14:05:30."), true);
            return false;
        }
        if (from.isId) {
            q.hasAfter = from.id > 0;
            q.after = from.id > 0 ? from.id - 1 : 0; // the id itself is shown
        } else {
            q.sinceMs = from.ms;
        }
    }
    if (!m_to->text().trimmed().isEmpty()) {
        if (!parseBound(m_to->text(), &to)) {
            setState(tr("To must be an event id or a time such as 14:05:30."), true);
            return false;
        }
        if (to.isId) {
            q.hasBefore = true;
            q.before = to.id + 1; // the id itself is shown
        } else {
            q.untilMs = to.ms;
        }
    }
    *query = q;
    return true;
}

void HistoryView::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    if (!m_searched)
        search();
}

void HistoryView::search()
{
    m_searched = true;
    HistoryQuery q;
    if (!fieldsQuery(&q))
        return;
    m_base = q;
    m_newestFirst = q.descending;
    run(q, Move::First);
}

void HistoryView::showOlder()
{
    const QList<EventRow> &events = m_model->events();
    if (events.isEmpty())
        return;
    const quint64 oldest = idOf(m_newestFirst ? events.constLast() : events.constFirst());
    HistoryQuery q = m_base;
    q.descending = true;
    q.before = q.hasBefore ? std::min(q.before, oldest) : oldest;
    q.hasBefore = true;
    run(q, Move::Older);
}

void HistoryView::showNewer()
{
    const QList<EventRow> &events = m_model->events();
    if (events.isEmpty())
        return;
    const quint64 newest = idOf(m_newestFirst ? events.constFirst() : events.constLast());
    HistoryQuery q = m_base;
    q.descending = false;
    q.after = q.hasAfter ? std::max(q.after, newest) : newest;
    q.hasAfter = true;
    run(q, Move::Newer);
}

void HistoryView::run(const HistoryQuery &query, Move move)
{
    const quint64 request = ++m_request;
    m_busy = true;
    updateButtons();
    const bool newestFirst = m_newestFirst;
    m_controller->history(query, this, [this, request, move, newestFirst](const HistoryPage &page) {
        if (request != m_request)
            return;
        m_busy = false;
        showPage(page, move, newestFirst);
        updateButtons();
        Q_EMIT pageShown();
    });
}

void HistoryView::showPage(const HistoryPage &page, Move move, bool newestFirst)
{
    if (!page.error.isEmpty()) {
        setState(tr("The server refused the query: %1").arg(page.error.left(500)), true);
        return;
    }
    const bool more = !page.next.isEmpty();
    if (move != Move::First && page.events.isEmpty()) {
        (move == Move::Older ? m_hasOlder : m_hasNewer) = false;
        setState(move == Move::Older ? tr("No older events match.")
                                     : tr("No newer events match (yet)."),
                 false);
        return;
    }
    QList<EventRow> events = page.events;
    // Older pages are read newest first, newer ones oldest first: shown in the chosen order.
    const bool readNewestFirst = move == Move::First ? newestFirst : move == Move::Older;
    if (readNewestFirst != newestFirst)
        std::reverse(events.begin(), events.end());
    switch (move) {
    case Move::First:
        m_hasOlder = newestFirst && more;
        m_hasNewer = !newestFirst && more;
        break;
    case Move::Older:
        m_hasOlder = more;
        m_hasNewer = true;
        break;
    case Move::Newer:
        m_hasNewer = more;
        m_hasOlder = true;
        break;
    }
    m_model->setEvents(events);
    m_payload->clear();
    setState(page.truncated ? tr("This page ends early: it holds %1 of events at most.")
                                  .arg(formatBytes(quint64(HistoryQuery::MaxPageBytes)))
                            : QString(),
             false);

    QString held;
    if (page.retainedEvents == 0) {
        held = tr("The history is empty (it keeps up to %1 events and %2).")
                   .arg(formatCount(quint64(page.maxEvents)), formatBytes(quint64(page.maxBytes)));
    } else {
        held = tr("Oldest retained event: %1 · the history holds %2 of %3 events and %4 of %5.")
                   .arg(QString::fromLatin1(page.oldestId),
                        formatCount(quint64(page.retainedEvents)),
                        formatCount(quint64(page.maxEvents)),
                        formatBytes(quint64(page.retainedBytes)),
                        formatBytes(quint64(page.maxBytes)));
    }
    QString text
        = held + QLatin1Char(' ') + tr("%n event(s) on this page.", nullptr, int(events.size()));
    if (page.source == QLatin1String("instance"))
        text += QLatin1Char(' ')
            + tr("Cluster mode: the events this server received for its own streams, not the "
                 "whole cluster's history.");
    m_header->setText(text);
}

void HistoryView::showSelected()
{
    const EventRow *e = m_model->eventAt(m_table->currentIndex().row());
    if (!e) {
        m_payload->clear();
        return;
    }
    QByteArray payload = e->payload.left(MaxPaneChars);
    const QJsonDocument doc = QJsonDocument::fromJson(e->payload);
    if (!doc.isNull() && e->payload.size() <= MaxPaneChars)
        payload = doc.toJson(QJsonDocument::Indented);
    const QString head = QStringLiteral("%1 · %2%3 · %4")
                             .arg(QString::fromLatin1(e->id), QString::fromUtf8(e->topic),
                                  e->type.isEmpty() ? QString()
                                                    : QLatin1String(" [")
                                          + QString::fromUtf8(e->type) + QLatin1Char(']'),
                                  QDateTime::fromMSecsSinceEpoch(e->time).toString(
                                      QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz")));
    m_payload->setPlainText(head + QLatin1String("\n\n") + QString::fromUtf8(payload));
}

void HistoryView::updateButtons()
{
    const bool shown = !m_model->events().isEmpty();
    m_older->setEnabled(!m_busy && shown && m_hasOlder);
    m_newer->setEnabled(!m_busy && shown && m_hasNewer);
}

void HistoryView::clear()
{
    ++m_request;
    m_busy = false;
    m_model->setEvents({});
    m_payload->clear();
    m_hasOlder = m_hasNewer = false;
    m_searched = false;
    m_header->setText(tr("Choose a topic filter and press Show."));
    setState({}, false);
    updateButtons();
}

void HistoryView::restoreState(const QSettings &settings)
{
    m_table->horizontalHeader()->restoreState(
        settings.value(QStringLiteral("historyHeader")).toByteArray());
    if (settings.contains(QStringLiteral("historySplit")))
        m_split->restoreState(settings.value(QStringLiteral("historySplit")).toByteArray());
}

void HistoryView::saveState(QSettings &settings) const
{
    settings.setValue(QStringLiteral("historyHeader"), m_table->horizontalHeader()->saveState());
    settings.setValue(QStringLiteral("historySplit"), m_split->saveState());
}

} // namespace ssehub
