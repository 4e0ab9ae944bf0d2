#pragma once

#include <QAbstractTableModel>
#include <QHash>
#include <QList>
#include <QSet>
#include <QString>

#include <functional>

namespace Elevate::Models {

// A table model whose rows have a stable key (an id): setRows() turns a fresh list into the
// smallest set of signals (rows removed, rows inserted or moved, dataChanged on rows whose value
// changed) instead of a reset, so views keep their selection and scroll position across a
// refresh. New rows that arrive together are inserted as one run. Row must be
// equality-comparable; keyOf() names a row.
template <typename Row>
class KeyedTableModel : public QAbstractTableModel
{
public:
    using QAbstractTableModel::QAbstractTableModel;

    int rowCount(const QModelIndex& parent = QModelIndex()) const override
    {
        return parent.isValid() ? 0 : int(m_rows.size());
    }

    const QList<Row>& rows() const { return m_rows; }

    // The row holding `key`, or -1.
    int rowOfKey(const QString& key) const
    {
        for (int i = 0; i < m_rows.size(); ++i) {
            if (keyOf(m_rows.at(i)) == key) {
                return i;
            }
        }
        return -1;
    }

protected:
    virtual QString keyOf(const Row& row) const = 0;

    void setRows(const QList<Row>& fresh)
    {
        QHash<QString, int> wanted;
        for (int i = 0; i < fresh.size(); ++i) {
            wanted.insert(keyOf(fresh.at(i)), i);
        }
        // Rows that left, from the bottom so indexes stay valid.
        for (int i = int(m_rows.size()) - 1; i >= 0; --i) {
            if (!wanted.contains(keyOf(m_rows.at(i)))) {
                int first = i;
                while (first > 0 && !wanted.contains(keyOf(m_rows.at(first - 1)))) {
                    --first;
                }
                beginRemoveRows(QModelIndex(), first, i);
                m_rows.remove(first, i - first + 1);
                endRemoveRows();
                i = first;
            }
        }
        QSet<QString> present;
        for (const Row& row : std::as_const(m_rows)) {
            present.insert(keyOf(row));
        }
        // Walk the fresh order: keep, move up, or insert each run of new rows at its place.
        for (int i = 0; i < fresh.size(); ++i) {
            const QString key = keyOf(fresh.at(i));
            if (i < m_rows.size() && keyOf(m_rows.at(i)) == key) {
                if (!(m_rows.at(i) == fresh.at(i))) {
                    m_rows[i] = fresh.at(i);
                    emit dataChanged(index(i, 0), index(i, columnCount() - 1));
                }
                continue;
            }
            int found = -1;
            for (int j = i + 1; j < m_rows.size(); ++j) {
                if (keyOf(m_rows.at(j)) == key) {
                    found = j;
                    break;
                }
            }
            if (found >= 0) {
                beginMoveRows(QModelIndex(), found, found, QModelIndex(), i);
                m_rows.move(found, i);
                endMoveRows();
                if (!(m_rows.at(i) == fresh.at(i))) {
                    m_rows[i] = fresh.at(i);
                    emit dataChanged(index(i, 0), index(i, columnCount() - 1));
                }
            } else {
                int end = i + 1;
                while (end < fresh.size() && !present.contains(keyOf(fresh.at(end)))) {
                    ++end;
                }
                beginInsertRows(QModelIndex(), i, end - 1);
                for (int j = i; j < end; ++j) {
                    m_rows.insert(j, fresh.at(j));
                }
                endInsertRows();
                i = end - 1;
            }
        }
    }

    // The profile changed: everything goes at once.
    void resetRows(const QList<Row>& fresh)
    {
        beginResetModel();
        m_rows = fresh;
        endResetModel();
    }

    QList<Row> m_rows;
};

} // namespace Elevate::Models
