#pragma once

#include <QAbstractTableModel>

#include <vector>

namespace ssehub {

// A table whose rows carry a key and arrive as whole sorted lists (snapshots). mergeRows turns
// the new list into the smallest set of model changes: removed runs, inserted runs, and
// dataChanged only for rows whose figures differ - so views keep selection, scroll position and
// sort, and a proxy re-sorts only what changed.
class KeyedTableModel : public QAbstractTableModel
{
public:
    using QAbstractTableModel::QAbstractTableModel;

protected:
    // current and next are sorted by key (ascending, unique); same(a, b) says whether a row's
    // displayed figures are unchanged. Changed rows are reported for the columns
    // firstChanging..lastChanging (-1: all): a proxy sorted by a column outside them (the key)
    // need not re-sort.
    template<typename Row, typename KeyFn, typename SameFn>
    void mergeRows(std::vector<Row> &current, std::vector<Row> next, KeyFn key, SameFn same,
                   int firstChanging = -1, int lastChanging = -1)
    {
        // 1. Removals, in runs, from the back so that indices stay valid.
        {
            std::vector<bool> keep(current.size(), false);
            size_t j = 0;
            for (size_t i = 0; i < current.size(); ++i) {
                while (j < next.size() && key(next[j]) < key(current[i]))
                    ++j;
                keep[i] = j < next.size() && key(next[j]) == key(current[i]);
            }
            for (size_t end = current.size(); end > 0;) {
                if (keep[end - 1]) {
                    --end;
                    continue;
                }
                size_t begin = end - 1;
                while (begin > 0 && !keep[begin - 1])
                    --begin;
                beginRemoveRows({}, int(begin), int(end) - 1);
                current.erase(current.begin() + qsizetype(begin), current.begin() + qsizetype(end));
                endRemoveRows();
                end = begin;
            }
        }
        // 2. Insertions in runs, and figures: current is now a subsequence of next.
        size_t i = 0;
        int changedFirst = -1;
        int changedLast = -1;
        auto flushChanged = [&] {
            if (changedFirst >= 0)
                Q_EMIT dataChanged(
                    index(changedFirst, firstChanging < 0 ? 0 : firstChanging),
                    index(changedLast, lastChanging < 0 ? columnCount() - 1 : lastChanging));
            changedFirst = changedLast = -1;
        };
        while (i < next.size()) {
            if (i < current.size() && key(current[i]) == key(next[i])) {
                if (!same(current[i], next[i])) {
                    current[i] = std::move(next[i]);
                    if (changedFirst < 0)
                        changedFirst = int(i);
                    changedLast = int(i);
                } else {
                    flushChanged();
                }
                ++i;
                continue;
            }
            flushChanged();
            size_t runEnd = i;
            while (runEnd < next.size()
                   && (i >= current.size() || key(next[runEnd]) != key(current[i])))
                ++runEnd;
            beginInsertRows({}, int(i), int(runEnd) - 1);
            current.insert(current.begin() + qsizetype(i),
                           std::make_move_iterator(next.begin() + qsizetype(i)),
                           std::make_move_iterator(next.begin() + qsizetype(runEnd)));
            endInsertRows();
            i = runEnd;
        }
        flushChanged();
    }
};

} // namespace ssehub
