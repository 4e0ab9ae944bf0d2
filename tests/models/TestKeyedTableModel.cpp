// KeyedTableModel::setRows, the smallest-change update every model of the reviews and alerts
// panes relies on: for random old and new lists (rows leaving, arriving, moving, changing), the
// model must end equal to the new list, stay consistent under QAbstractItemModelTester at each
// signal, never reset, and touch only rows that differ.
#include "KeyedTableModel.h"

#include <QAbstractItemModelTester>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTest>

using namespace Elevate::Models;

namespace {

struct Item
{
    QString key;
    int value = 0;
    friend bool operator==(const Item&, const Item&) = default;
};

class ItemModel final : public KeyedTableModel<Item>
{
public:
    int columnCount(const QModelIndex& parent = QModelIndex()) const override { return parent.isValid() ? 0 : 2; }
    QVariant data(const QModelIndex& index, int role) const override
    {
        if (!checkIndex(index, CheckIndexOption::IndexIsValid) || role != Qt::DisplayRole) {
            return {};
        }
        const Item& item = m_rows.at(index.row());
        return index.column() == 0 ? QVariant(item.key) : QVariant(item.value);
    }
    void set(const QList<Item>& rows) { setRows(rows); }

protected:
    QString keyOf(const Item& row) const override { return row.key; }
};

QList<Item> randomList(QRandomGenerator& random)
{
    QList<Item> out;
    QList<int> keys;
    for (int k = 0; k < 12; ++k) {
        if (random.bounded(3) != 0) {
            keys << k;
        }
    }
    // Shuffle a little: some moves, mostly order kept (as between two pulls).
    for (int i = 0; i < keys.size(); ++i) {
        if (random.bounded(4) == 0) {
            keys.swapItemsAt(i, int(random.bounded(keys.size())));
        }
    }
    for (int k : keys) {
        out << Item{QStringLiteral("k%1").arg(k), int(random.bounded(3))};
    }
    return out;
}

} // namespace

class TestKeyedTableModel final : public QObject
{
    Q_OBJECT

private slots:
    void randomUpdatesEndEqualWithoutReset()
    {
        QRandomGenerator random(20261126);
        ItemModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        QSignalSpy layout(&model, &QAbstractItemModel::layoutChanged);
        for (int round = 0; round < 500; ++round) {
            const QList<Item> before = model.rows();
            const QList<Item> fresh = randomList(random);
            QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
            QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
            QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
            model.set(fresh);
            QCOMPARE(model.rows(), fresh);
            for (int row = 0; row < fresh.size(); ++row) {
                QCOMPARE(model.index(row, 0).data().toString(), fresh.at(row).key);
                QCOMPARE(model.index(row, 1).data().toInt(), fresh.at(row).value);
            }
            // Only rows whose value changed get dataChanged; keys that stayed are never removed.
            int valueChanges = 0;
            int arrivals = 0;
            for (const Item& item : fresh) {
                auto old = std::find_if(before.cbegin(), before.cend(), [&item](const Item& b) { return b.key == item.key; });
                if (old == before.cend()) {
                    ++arrivals;
                } else if (old->value != item.value) {
                    ++valueChanges;
                }
            }
            QCOMPARE(changed.size(), valueChanges);
            int rowsInserted = 0;
            for (const auto& args : inserted) {
                rowsInserted += args.at(2).toInt() - args.at(1).toInt() + 1;
            }
            QCOMPARE(rowsInserted, arrivals);
            // Arrivals next to each other come in one rowsInserted.
            int arrivalRuns = 0;
            bool inRun = false;
            for (const Item& item : fresh) {
                const bool arrived = std::none_of(before.cbegin(), before.cend(),
                                                  [&item](const Item& b) { return b.key == item.key; });
                arrivalRuns += arrived && !inRun ? 1 : 0;
                inRun = arrived;
            }
            QCOMPARE(int(inserted.size()), arrivalRuns);
            int rowsRemoved = 0;
            for (const auto& args : removed) {
                rowsRemoved += args.at(2).toInt() - args.at(1).toInt() + 1;
            }
            QCOMPARE(rowsRemoved, int(before.size()) - (int(fresh.size()) - arrivals));
            // The same list again: silence.
            QSignalSpy any(&model, &QAbstractItemModel::dataChanged);
            model.set(fresh);
            QCOMPARE(any.size(), 0);
        }
        QCOMPARE(reset.size(), 0);
        QCOMPARE(layout.size(), 0);
    }
};

QTEST_GUILESS_MAIN(TestKeyedTableModel)
#include "TestKeyedTableModel.moc"
