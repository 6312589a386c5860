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
}

void TopicsModel::clear()
{
    removeRows(0, rowCount());
    m_items.clear();
    m_lastCounts.clear();
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
    QSet<QByteArray> filterPaths;
    for (const FilterRow &f : snapshot.filters) {
        QStandardItem *item = node(f.filter);
        markPath(f.filter);
        filterPaths.insert(f.filter);
        set(item, Subscribers, f.active);
        set(item, Paused, f.paused);
        set(item, Streams, f.streams);
    }
    QHash<QByteArray, Seen> counts;
    for (const TopicRow &t : snapshot.topics) {
        QStandardItem *item = node(t.topic);
        markPath(t.topic);
        Seen now {t.events, snapshot.monotonicMs, 0};
        const auto before = m_lastCounts.constFind(t.topic);
        if (before != m_lastCounts.constEnd()) {
            const qint64 dt = now.atMs - before->atMs;
            now.rate
                = dt > 0 ? double(t.events - before->events) * 1000.0 / double(dt) : before->rate;
        }
        counts.insert(t.topic, now);
        set(item, Rate, formatRate(now.rate));
        set(item, LastEvent,
            QDateTime::fromMSecsSinceEpoch(t.lastEventAt).toString(QStringLiteral("HH:mm:ss.zzz")));
        set(item, Preview,
            t.lastType.isEmpty() ? QString::fromUtf8(t.preview)
                                 : QStringLiteral("[%1] %2").arg(QString::fromUtf8(t.lastType),
                                                                 QString::fromUtf8(t.preview)));
    }
    m_lastCounts = std::move(counts);
    // Nodes that are no longer a filter or topic lose their figures; those with nothing under
    // them go.
    for (auto it = m_items.cbegin(); it != m_items.cend(); ++it) {
        if (!filterPaths.contains(it.key())) {
            set(it.value(), Subscribers, QVariant());
            set(it.value(), Paused, QVariant());
            set(it.value(), Streams, QVariant());
        }
        if (!m_lastCounts.contains(it.key())) {
            set(it.value(), Rate, QVariant());
            set(it.value(), LastEvent, QVariant());
            set(it.value(), Preview, QVariant());
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
