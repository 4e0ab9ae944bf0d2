#pragma once

#include <QAbstractItemModel>
#include <QList>
#include <QSet>
#include <QString>

#include <functional>

namespace Elevate::Models {

// Brings a table model's rows to `fresh` with the smallest change: removals in runs (from the
// end), dataChanged on rows whose content changed, insertions in runs. Rows are identified by
// `keyOf`; when the surviving rows changed order (a rename moved one) it resets instead.
// The model passes its protected begin/end calls in as lambdas.
template <typename Row>
struct RowUpdate
{
    std::function<QString(const Row&)> keyOf;
    std::function<bool(const Row&, const Row&)> same;
    std::function<void(int, int)> beginRemove;
    std::function<void()> endRemove;
    std::function<void(int, int)> beginInsert;
    std::function<void()> endInsert;
    std::function<void()> beginReset;
    std::function<void()> endReset;
    std::function<void(int)> changed;

    void apply(QList<Row>& rows, const QList<Row>& fresh) const
    {
        QSet<QString> freshKeys;
        for (const Row& r : fresh) {
            freshKeys.insert(keyOf(r));
        }
        for (int i = int(rows.size()) - 1; i >= 0;) {
            if (freshKeys.contains(keyOf(rows.at(i)))) {
                --i;
                continue;
            }
            int first = i;
            while (first > 0 && !freshKeys.contains(keyOf(rows.at(first - 1)))) {
                --first;
            }
            beginRemove(first, i);
            rows.erase(rows.begin() + first, rows.begin() + i + 1);
            endRemove();
            i = first - 1;
        }
        QSet<QString> kept;
        for (const Row& r : rows) {
            kept.insert(keyOf(r));
        }
        int k = 0;
        bool sameOrder = true;
        for (const Row& r : fresh) {
            if (kept.contains(keyOf(r))) {
                sameOrder = sameOrder && k < rows.size() && keyOf(rows.at(k)) == keyOf(r);
                ++k;
            }
        }
        if (!sameOrder) {
            beginReset();
            rows = fresh;
            endReset();
            return;
        }
        int pos = 0;
        for (int n = 0; n < fresh.size();) {
            if (pos < rows.size() && keyOf(rows.at(pos)) == keyOf(fresh.at(n))) {
                if (!same(rows.at(pos), fresh.at(n))) {
                    rows[pos] = fresh.at(n);
                    changed(pos);
                }
                ++pos;
                ++n;
                continue;
            }
            int end = n;
            while (end < fresh.size() && !(pos < rows.size() && keyOf(rows.at(pos)) == keyOf(fresh.at(end)))) {
                ++end;
            }
            beginInsert(pos, pos + (end - n) - 1);
            for (int j = n; j < end; ++j) {
                rows.insert(pos + (j - n), fresh.at(j));
            }
            endInsert();
            pos += end - n;
            n = end;
        }
    }
};

} // namespace Elevate::Models
