#pragma once

#include "KeyedTableModel.h"

#include "OutboxItem.h"

namespace Elevate {
namespace Cache {
class CacheDatabase;
class Outbox;
} // namespace Cache
} // namespace Elevate

namespace Elevate::Models {

// One outbox item with a readable description of what it does.
struct OutboxRow
{
    Cache::OutboxItem item;
    QString what; // "Approve Alex Wilber (Helpdesk Administrator)", translated

    friend bool operator==(const OutboxRow&, const OutboxRow&) = default;
};

// The outbox for the Sync issues dialog: the decisions waiting to be sent and those the server
// refused, with its message. Sent items are left out (they are done). Reads the Outbox and,
// for the descriptions, the cache; reload() emits the smallest change.
class OutboxModel final : public KeyedTableModel<OutboxRow>
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(OutboxModel)

public:
    enum Column { WhatColumn, StateColumn, MessageColumn, RecordedColumn, ColumnCount };
    enum Role {
        RawValueRole = Qt::UserRole + 1,
        IdRole,    // the item id (qint64)
        StateRole, // int(OutboxItem::State)
    };

    // `cache` may be null (descriptions then name ids only).
    OutboxModel(Cache::Outbox& outbox, Cache::CacheDatabase* cache, QObject* parent = nullptr);

    void reload();
    int conflictCount() const;
    int waitingCount() const;

    int columnCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    static QString stateText(Cache::OutboxItem::State state);

protected:
    QString keyOf(const OutboxRow& row) const override { return QString::number(row.item.id); }

private:
    QList<OutboxRow> load() const;
    QString describe(const Cache::OutboxItem& item) const;

    Cache::Outbox& m_outbox;
    Cache::CacheDatabase* m_cache;
};

} // namespace Elevate::Models
