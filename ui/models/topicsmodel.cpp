#include "topicsmodel.h"

#include "format.h"

#include <QDateTime>
#include <QSet>

namespace ssehub {

TopicsModel::TopicsModel(QObject *parent)
    : QStandardItemModel(0, ColumnCount, parent)
{
    setHorizontalHeaderLabels({tr("Topic level"), tr("Subscribers"), tr("Paused"), tr("Streams"),
                               tr("Events/s"), tr("Last event"), tr("Last payload")});
    setHeaderData(Subscribers, Qt::Horizontal,
                  tr("A filter: the clients holding it. A topic: the clients whose filters match "
                     "it (wildcards included)."),
                  Qt::ToolTipRole);
    setHeaderData(Streams, Qt::Horizontal,
                  tr("The live streams of those clients: who an event on a topic reaches now."),
                  Qt::ToolTipRole);
    setHeaderData(
        Rate, Qt::Horizontal,
        tr("Events per second, averaged over the last %1 seconds.").arg(RateWindowMs / 1000),
        Qt::ToolTipRole);
}

void TopicsModel::clear()
{
    removeRows(0, rowCount());
    m_items.clear();
    m_samples.clear();
}

QStandardItem *TopicsModel::node(const QByteArray &path)
{
    if (QStandardItem *item = m_items.value(path))
        return item;
    const qsizetype slash = path.lastIndexOf('/');
    QStandardItem *parent = slash < 0 ? invisibleRootItem() : node(path.left(slash));
    const QByteArray level = slash < 0 ? path : path.mid(slash + 1);
    QList<QStandardItem *> row;
    auto *first = new QStandardItem(level.isEmpty() ? tr("(empty)") : QString::fromUtf8(level));
    first->setData(path, PathRole);
    first->setData(QString::fromUtf8(level), SortRole);
    first->setEditable(false);
    row << first;
    for (int c = 1; c < ColumnCount; ++c) {
        auto *cell = new QStandardItem;
        cell->setEditable(false);
        row << cell;
    }
    parent->appendRow(row);
    m_items.insert(path, first);
    return first;
}

void TopicsModel::set(QStandardItem *first, int column, const QVariant &value, int role)
{
    QStandardItem *parent = first->parent() ? first->parent() : invisibleRootItem();
    QStandardItem *cell = parent->child(first->row(), column);
    if (cell && cell->data(role) != value)
        cell->setData(value, role); // only real changes reach the view
}

void TopicsModel::applySnapshot(const ConsoleSnapshot &snapshot)
{
    QSet<QByteArray> seen;
    auto markPath = [&seen](const QByteArray &path) {
        seen.insert(path);
        for (qsizetype i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1))
            seen.insert(path.left(i));
    };
    // A figure in a cell: shown, and sorted by value.
    auto figure = [this](QStandardItem *item, int column, const QVariant &value,
                         const QVariant &sortValue) {
        set(item, column, value);
        set(item, column, sortValue, SortRole);
    };
    QSet<QByteArray> filterPaths;
    for (const FilterRow &f : snapshot.filters) {
        QStandardItem *item = node(f.filter);
        markPath(f.filter);
        filterPaths.insert(f.filter);
        figure(item, Subscribers, f.active, f.active);
        figure(item, Paused, f.paused, f.paused);
        figure(item, Streams, f.streams, f.streams);
    }
    QSet<QByteArray> counted; // topics whose subscribers the engine counted
    QHash<QByteArray, Samples> samples;
    for (const TopicRow &t : snapshot.topics) {
        QStandardItem *item = node(t.topic);
        markPath(t.topic);
        // A topic node shows who an event on it reaches (also when it is a filter as well:
        // its holders are among them).
        if (t.subscribers >= 0 && t.streams >= 0) {
            counted.insert(t.topic);
            figure(item, Subscribers, t.subscribers, t.subscribers);
            figure(item, Streams, t.streams, t.streams);
            if (!filterPaths.contains(t.topic))
                figure(item, Paused, QVariant(), QVariant());
        }
        Samples kept = m_samples.value(t.topic);
        if (!kept.isEmpty()
            && (snapshot.monotonicMs <= kept.constLast().atMs
                || t.events < kept.constLast().events))
            kept.clear(); // another server or a restart: start again
        kept.append(Sample {snapshot.monotonicMs, t.events});
        // Keep one sample at or before the window's start as the base.
        const qint64 windowStart = snapshot.monotonicMs - RateWindowMs;
        while (kept.size() > 2 && kept.at(1).atMs <= windowStart)
            kept.removeFirst();
        const Sample &base = kept.constFirst();
        const qint64 dt = snapshot.monotonicMs - base.atMs;
        const double rate = dt > 0 ? double(t.events - base.events) * 1000.0 / double(dt) : 0;
        samples.insert(t.topic, std::move(kept));
        figure(item, Rate, dt > 0 ? QVariant(formatRate(rate)) : QVariant(), rate);
        set(item, Rate,
            dt > 0 ? tr("Events per second over the last %1 s")
                         .arg(qMin(dt, RateWindowMs) / 1000.0, 0, 'f', 1)
                   : QVariant(),
            Qt::ToolTipRole);
        figure(
            item, LastEvent,
            QDateTime::fromMSecsSinceEpoch(t.lastEventAt).toString(QStringLiteral("HH:mm:ss.zzz")),
            t.lastEventAt);
        const QString preview = t.lastType.isEmpty()
            ? QString::fromUtf8(t.preview)
            : QStringLiteral("[%1] %2").arg(QString::fromUtf8(t.lastType),
                                            QString::fromUtf8(t.preview));
        figure(item, Preview, preview, preview);
        set(item, Preview, preview, Qt::ToolTipRole);
    }
    m_samples = std::move(samples);
    // Nodes that are no longer a filter or topic lose their figures; those with nothing under
    // them go.
    for (auto it = m_items.cbegin(); it != m_items.cend(); ++it) {
        if (!filterPaths.contains(it.key()) && !counted.contains(it.key())) {
            figure(it.value(), Subscribers, QVariant(), QVariant());
            figure(it.value(), Paused, QVariant(), QVariant());
            figure(it.value(), Streams, QVariant(), QVariant());
        }
        if (!m_samples.contains(it.key())) {
            figure(it.value(), Rate, QVariant(), QVariant());
            set(it.value(), Rate, QVariant(), Qt::ToolTipRole);
            figure(it.value(), LastEvent, QVariant(), QVariant());
            figure(it.value(), Preview, QVariant(), QVariant());
            set(it.value(), Preview, QVariant(), Qt::ToolTipRole);
        }
    }
    removeUnseen(invisibleRootItem(), seen);
}

void TopicsModel::removeUnseen(QStandardItem *parent, const QSet<QByteArray> &seen)
{
    for (int row = parent->rowCount() - 1; row >= 0; --row) {
        QStandardItem *child = parent->child(row, 0);
        const QByteArray path = child->data(PathRole).toByteArray();
        if (seen.contains(path)) {
            removeUnseen(child, seen);
            continue;
        }
        // Forget the whole subtree's items, then remove the row.
        QList<QStandardItem *> stack {child};
        while (!stack.isEmpty()) {
            QStandardItem *item = stack.takeLast();
            m_items.remove(item->data(PathRole).toByteArray());
            for (int r = 0; r < item->rowCount(); ++r)
                stack.append(item->child(r, 0));
        }
        parent->removeRow(row);
    }
}

} // namespace ssehub
