#include "presencepanel.h"

#include "enginecontroller.h"
#include "enginetext.h"
#include "format.h"
#include "models/presenceeventsmodel.h"
#include "models/presencemodel.h"
#include "widgets/elidedlabel.h"
#include "widgets/statecolors.h"
#include "widgets/tables.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>

namespace ssehub {

namespace {

// Where the hub publishes a topic's join and leave events (PresenceTracker::EventPrefix).
constexpr char EventPrefix[] = "$SYS/presence/";
constexpr qsizetype MaxTopicBytes = 256; // the protocol's bound on a topic or filter
constexpr qsizetype TitleChars = 80; // of a topic in a title (the tooltip has all of it)

QString shortTopic(const QByteArray &topic)
{
    const QString text = QString::fromUtf8(topic);
    if (text.size() <= TitleChars)
        return text;
    return text.left(TitleChars / 2 - 1) + QChar(0x2026) + text.right(TitleChars / 2 - 1);
}

// What --presence-events could say to cover a topic: its first level and everything below.
QString eventsFilterFor(const QByteArray &topic)
{
    const qsizetype slash = topic.indexOf('/');
    const QByteArray first = slash < 0 ? topic : topic.left(slash);
    if (first.isEmpty() || first == "+" || first == "#")
        return QStringLiteral("'#'");
    return QString::fromUtf8(first) + (slash < 0 ? QString() : QStringLiteral("/#"));
}

QLabel *messageLabel(const QString &name, QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setObjectName(name);
    label->setTextFormat(Qt::PlainText); // "<filter>" is not a tag, a topic not markup
    label->setWordWrap(true);
    label->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    label->setMargin(8);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

} // namespace

PresencePanel::PresencePanel(EngineController *controller, QWidget *parent)
    : QWidget(parent)
    , m_controller(controller)
    , m_model(new PresenceModel(this))
    , m_events(new PresenceEventsModel(this))
    , m_timer(new QTimer(this))
{
    setObjectName(QStringLiteral("presencePanel"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);

    // Who listens: the title with the counts, a note, and the table (or why there is none).
    auto *who = new QWidget(this);
    auto *whoLayout = new QVBoxLayout(who);
    whoLayout->setContentsMargins(0, 0, 3, 0); // apart from the other side's title
    auto *head = new QHBoxLayout;
    m_title = new ElidedLabel(who);
    m_title->setObjectName(QStringLiteral("presenceTitle"));
    QFont bold = m_title->font();
    bold.setBold(true);
    m_title->setFont(bold);
    m_counts = new QLabel(who);
    m_counts->setObjectName(QStringLiteral("presenceCounts"));
    m_counts->setTextFormat(Qt::PlainText);
    m_counts->setTextInteractionFlags(Qt::TextSelectableByMouse);
    // The counts right after the title; a long topic is cut short before they are.
    head->addWidget(m_title, 1);
    head->addSpacing(12);
    head->addWidget(m_counts);
    head->addStretch(0); // what the title leaves (it stops at its full width)
    m_note = new QLabel(who);
    m_note->setObjectName(QStringLiteral("presenceNote"));
    m_note->setTextFormat(Qt::PlainText);
    m_note->setWordWrap(true);
    m_note->hide();
    m_whoStack = new QStackedWidget(who);
    m_who = makeTable(m_model, QStringLiteral("presenceTable"), m_whoStack, false);
    fitColumns(m_who, {20, 16, 7, 12}, {PresenceModel::Client});
    m_whoMessage = messageLabel(QStringLiteral("presenceMessage"), m_whoStack);
    m_whoStack->addWidget(m_who);
    m_whoStack->addWidget(m_whoMessage);
    whoLayout->addLayout(head);
    whoLayout->addWidget(m_note);
    whoLayout->addWidget(m_whoStack, 1);

    // Join and leave: what the hub published on $SYS/presence/<topic>, newest first.
    auto *events = new QWidget(this);
    auto *eventsLayout = new QVBoxLayout(events);
    eventsLayout->setContentsMargins(3, 0, 0, 0);
    m_eventsTitle = new ElidedLabel(events);
    m_eventsTitle->setObjectName(QStringLiteral("presenceEventsTitle"));
    m_eventsTitle->setFont(bold);
    m_eventsStack = new QStackedWidget(events);
    m_eventsTable
        = makeTable(m_events, QStringLiteral("presenceEventsTable"), m_eventsStack, false);
    fitColumns(m_eventsTable, {12, 8, 18, 14, 7, 18}, {PresenceEventsModel::Client});
    m_eventsMessage = messageLabel(QStringLiteral("presenceEventsMessage"), m_eventsStack);
    m_eventsStack->addWidget(m_eventsTable);
    m_eventsStack->addWidget(m_eventsMessage);
    auto *eventsHead = new QHBoxLayout;
    eventsHead->addWidget(m_eventsTitle, 1);
    eventsHead->addStretch(0);
    eventsLayout->addLayout(eventsHead);
    eventsLayout->addWidget(m_eventsStack, 1);
    // The title row of both sides is as high as the counts' (they line up).
    m_eventsTitle->setMinimumHeight(m_counts->sizeHint().height());

    m_split = new QSplitter(Qt::Horizontal, this);
    m_split->setObjectName(QStringLiteral("presenceSplit"));
    m_split->addWidget(who);
    m_split->addWidget(events);
    m_split->setStretchFactor(0, 1);
    m_split->setStretchFactor(1, 1);
    m_split->setChildrenCollapsible(false);
    layout->addWidget(m_split, 1);

    m_timer->setInterval(RefreshMs);
    connect(m_timer, &QTimer::timeout, this, &PresencePanel::refresh);
    showTopic();
}

bool PresencePanel::active() const
{
    return isVisible() && !m_topic.isEmpty();
}

void PresencePanel::updateTimer()
{
    if (active() && !m_timer->isActive())
        m_timer->start();
    else if (!active())
        m_timer->stop();
}

void PresencePanel::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    updateTimer();
    refresh();
}

void PresencePanel::hideEvent(QHideEvent *event)
{
    QWidget::hideEvent(event);
    m_timer->stop();
}

void PresencePanel::setTopic(const QByteArray &topic)
{
    if (topic == m_topic)
        return;
    forget(topic);
    refresh();
}

void PresencePanel::clear()
{
    forget({});
}

void PresencePanel::forget(const QByteArray &topic)
{
    m_topic = topic;
    // Whatever was asked before is dropped when it answers.
    ++m_presenceAsk.request;
    ++m_eventsAsk.request;
    m_presenceAsk.inFlight = m_eventsAsk.inFlight = false;
    m_eventsRead = false;
    m_cursor = 0;
    m_model->clear();
    m_events->clear();
    showTopic();
    updateTimer();
}

void PresencePanel::showTopic()
{
    const QString topic = shortTopic(m_topic);
    m_counts->clear();
    m_note->hide();
    m_eventsTable->setColumnHidden(PresenceEventsModel::Topic,
                                   !m_topic.contains('+') && !m_topic.contains('#'));
    if (m_topic.isEmpty()) {
        m_title->setFullText(tr("Who listens"));
        m_title->setToolTip({});
        m_eventsTitle->setFullText(tr("Join and leave events"));
        m_eventsTitle->setToolTip({});
        showWhoMessage(tr("Select a topic or filter above to see who listens on it."), false);
        showEventsMessage(tr("Select a topic to see its clients join and leave."), false);
        return;
    }
    m_title->setFullText(tr("Who listens on %1").arg(topic));
    m_title->setToolTip(QString::fromUtf8(m_topic));
    m_eventsTitle->setFullText(
        tr("Join and leave events (%1)").arg(QLatin1String(EventPrefix) + topic));
    m_eventsTitle->setToolTip(
        tr("The events the hub publishes on %1 as clients start and stop listening")
            .arg(QLatin1String(EventPrefix) + QString::fromUtf8(m_topic)));
    showWhoMessage(tr("Asking who listens…"), false);
    showEventsMessage(tr("Reading the join and leave events…"), false);
}

void PresencePanel::showWhoMessage(const QString &text, bool error)
{
    m_whoMessage->setText(text);
    m_whoMessage->setStyleSheet(error ? severityStyle(palette(), Severity::Bad, false) : QString());
    m_whoStack->setCurrentWidget(m_whoMessage);
}

void PresencePanel::showEventsMessage(const QString &text, bool error)
{
    m_eventsMessage->setText(text);
    m_eventsMessage->setStyleSheet(error ? severityStyle(palette(), Severity::Bad, false)
                                         : QString());
    m_eventsStack->setCurrentWidget(m_eventsMessage);
}

void PresencePanel::refresh()
{
    if (!active())
        return;
    askPresence();
    askEvents(!m_eventsRead);
}

void PresencePanel::askPresence()
{
    if (m_presenceAsk.busy())
        return;
    PresenceQuery query;
    query.filter = m_topic;
    query.limit = EntryLimit;
    const quint64 request = ++m_presenceAsk.request;
    m_presenceAsk.inFlight = true;
    m_presenceAsk.since.start();
    m_controller->presence(query, this, [this, request](const PresenceAnswer &answer) {
        if (request != m_presenceAsk.request)
            return; // another topic, or given up
        m_presenceAsk.inFlight = false;
        showPresence(answer);
        Q_EMIT presenceShown();
    });
}

void PresencePanel::showPresence(const PresenceAnswer &answer)
{
    if (!answer.error.isEmpty()) {
        // No stale rows under an error: who listened a moment ago may be wrong now.
        m_model->clear();
        m_counts->clear();
        m_note->hide();
        showWhoMessage(tr("Presence not read: %1").arg(EngineText::translate(answer.error)), true);
        return;
    }
    m_model->setEntries(answer.entries);
    m_counts->setText(tr("%n client(s)", nullptr, answer.clients) + QStringLiteral(" · ")
                      + tr("%n stream(s)", nullptr, answer.streams) + QStringLiteral(" · ")
                      + tr("%n node(s)", nullptr, answer.nodes));
    m_counts->setToolTip(answer.source == QLatin1String("cluster")
                             ? tr("Every instance of the cluster")
                             : tr("This server"));
    QStringList notes;
    if (answer.truncated)
        notes << tr("Only the first %1 entries are listed; the counts cover every client.")
                     .arg(formatCount(quint64(answer.entries.size())));
    if (answer.idsHidden)
        notes << tr("Other clients' ids are hidden: these credentials lack the presence grant.");
    m_note->setText(notes.join(QLatin1Char(' ')));
    m_note->setStyleSheet(severityStyle(palette(), Severity::Warning, false));
    m_note->setVisible(!notes.isEmpty());
    if (answer.entries.isEmpty())
        showWhoMessage(tr("Nobody listens on %1 right now.").arg(shortTopic(m_topic)), false);
    else
        m_whoStack->setCurrentWidget(m_who);
}

void PresencePanel::askEvents(bool newest)
{
    if (m_eventsAsk.busy())
        return;
    const QByteArray filter = EventPrefix + m_topic;
    if (filter.size() > MaxTopicBytes) {
        // The hub publishes nothing for it (its event topic would be too long).
        showEventsMessage(tr("No join and leave events: %1 is too long a topic for them.")
                              .arg(shortTopic(m_topic)),
                          false);
        return;
    }
    HistoryQuery query;
    query.filter = filter;
    if (newest) {
        query.descending = true;
        query.limit = m_eventsRead ? PresenceEventsModel::MaxRows : FirstEventsPage;
    } else {
        query.hasAfter = true;
        query.after = m_cursor;
        query.limit = PresenceEventsModel::MaxRows;
    }
    const quint64 request = ++m_eventsAsk.request;
    m_eventsAsk.inFlight = true;
    m_eventsAsk.since.start();
    m_controller->history(query, this, [this, request, newest](const HistoryPage &page) {
        if (request != m_eventsAsk.request)
            return;
        m_eventsAsk.inFlight = false;
        showEvents(page, newest);
        Q_EMIT eventsShown();
    });
}

void PresencePanel::showEvents(const HistoryPage &page, bool newest)
{
    if (!page.error.isEmpty()) {
        m_events->clear();
        m_eventsRead = false; // read the newest page again once it answers
        showEventsMessage(
            tr("Join and leave events not read: %1").arg(EngineText::translate(page.error)), true);
        return;
    }
    if (!newest && !page.next.isEmpty()) {
        // More arrived since the last look than the panel keeps: only the newest are shown.
        askEvents(true);
        return;
    }
    QList<PresenceEvent> events;
    for (const EventRow &row : page.events) {
        quint64 id = 0;
        if (parseHistoryId(row.id, &id))
            m_cursor = std::max(m_cursor, id);
        PresenceEvent e;
        if (PresenceEvent::fromEvent(row, &e))
            events.append(e);
    }
    if (newest) {
        std::reverse(events.begin(), events.end()); // read newest first
        m_eventsRead = true;
    }
    m_events->addNewer(events);
    if (m_events->rowCount() > 0) {
        m_eventsStack->setCurrentWidget(m_eventsTable);
        return;
    }
    QString text = tr("No join/leave events: start the hub with --presence-events <filter> to "
                      "publish them (for this topic, e.g. --presence-events %1).")
                       .arg(eventsFilterFor(m_topic));
    if (page.source == QLatin1String("instance"))
        text += QLatin1Char(' ')
            + tr("Cluster mode: this server's history holds the events it received, not the "
                 "whole cluster's.");
    showEventsMessage(text, false);
}

void PresencePanel::restoreState(const QSettings &settings)
{
    restoreColumns(m_who, settings.value(QStringLiteral("presenceHeader")).toByteArray());
    restoreColumns(m_eventsTable,
                   settings.value(QStringLiteral("presenceEventsHeader")).toByteArray());
    if (settings.contains(QStringLiteral("presenceSplit")))
        m_split->restoreState(settings.value(QStringLiteral("presenceSplit")).toByteArray());
}

void PresencePanel::saveState(QSettings &settings) const
{
    settings.setValue(QStringLiteral("presenceHeader"), saveColumns(m_who));
    settings.setValue(QStringLiteral("presenceEventsHeader"), saveColumns(m_eventsTable));
    settings.setValue(QStringLiteral("presenceSplit"), m_split->saveState());
}

} // namespace ssehub
