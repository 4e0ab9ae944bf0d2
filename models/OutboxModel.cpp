#include "OutboxModel.h"

#include "CacheDatabase.h"
#include "DecisionsModel.h"
#include "EntityRepository.h"
#include "Format.h"
#include "GraphCodec.h"
#include "Outbox.h"

#include <QBrush>
#include <QColor>

namespace Elevate::Models {

OutboxModel::OutboxModel(Cache::Outbox& outbox, Cache::CacheDatabase* cache, QObject* parent)
    : KeyedTableModel<OutboxRow>(parent)
    , m_outbox(outbox)
    , m_cache(cache)
{
    resetRows(load());
}

void OutboxModel::reload()
{
    setRows(load());
}

QList<OutboxRow> OutboxModel::load() const
{
    QList<OutboxRow> out;
    if (!m_outbox.isOpen()) {
        return out;
    }
    for (const Cache::OutboxItem& item : m_outbox.list()) {
        if (item.state != Cache::OutboxItem::State::Sent) {
            out << OutboxRow{item, describe(item)};
        }
    }
    return out;
}

QString OutboxModel::describe(const Cache::OutboxItem& item) const
{
    using Kind = Cache::OutboxItem::Kind;
    const QStringList& t = item.targetIds;
    auto reviewName = [this, &t]() -> QString {
        if (m_cache && m_cache->isOpen() && !t.isEmpty()) {
            if (const auto def = Cache::ReviewDefinitionRepository(*m_cache).find(QString(), t.at(0))) {
                return def->displayName;
            }
        }
        return t.value(0);
    };
    switch (item.kind) {
    case Kind::ReviewDecision: {
        const Result<ReviewDecisionUpdate> update = GraphCodec::decode<ReviewDecisionUpdate>(item.payload);
        const QString verdict = update ? DecisionsModel::decisionText(update->decision) : tr("Decide");
        QString who = t.value(2);
        if (m_cache && m_cache->isOpen() && t.size() == 3) {
            if (const auto d = Cache::ReviewDecisionRepository(*m_cache).find(t.at(1), t.at(2))) {
                who = d->principal.displayName.isEmpty() ? d->principal.id : d->principal.displayName;
                if (d->resource && !d->resource->displayName.isEmpty()) {
                    who = tr("%1 (%2)").arg(who, d->resource->displayName);
                }
            }
        }
        return tr("%1 %2").arg(verdict, who);
    }
    case Kind::ReviewBatchDecision: {
        const Result<BatchRecordDecisions> batch = GraphCodec::decode<BatchRecordDecisions>(item.payload);
        const QString verdict = batch ? DecisionsModel::decisionText(batch->decision) : tr("Decide");
        return tr("%1 every item of %2").arg(verdict, reviewName());
    }
    case Kind::AcceptRecommendations:
        return tr("Accept recommendations of %1").arg(reviewName());
    case Kind::ApprovalDecision:
        return tr("Decide on request %1").arg(t.value(1));
    }
    return QString();
}

int OutboxModel::conflictCount() const
{
    return int(std::count_if(m_rows.cbegin(), m_rows.cend(), [](const OutboxRow& r) {
        return r.item.state == Cache::OutboxItem::State::Conflict;
    }));
}

int OutboxModel::waitingCount() const
{
    return int(m_rows.size()) - conflictCount();
}

QString OutboxModel::stateText(Cache::OutboxItem::State state)
{
    switch (state) {
    case Cache::OutboxItem::State::Pending:
    case Cache::OutboxItem::State::Sending:
        return tr("not yet sent");
    case Cache::OutboxItem::State::Failed:
        return tr("not yet sent (will retry)");
    case Cache::OutboxItem::State::Conflict:
        return tr("conflict");
    case Cache::OutboxItem::State::Sent:
        return tr("sent");
    }
    return QString();
}

int OutboxModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant OutboxModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) {
        return {};
    }
    const OutboxRow& row = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case WhatColumn:
            return row.what;
        case StateColumn:
            return stateText(row.item.state);
        case MessageColumn:
            // A transport failure's text is technical (HTTP status, request id): the tooltip
            // keeps it; a refusal is the server's own sentence.
            if (row.item.state == Cache::OutboxItem::State::Failed) {
                return tr("The server could not be reached.");
            }
            return row.item.message;
        case RecordedColumn:
            return Format::dateTime(row.item.createdAt);
        default:
            return {};
        }
    case Qt::ToolTipRole:
        return index.column() == MessageColumn && !row.item.message.isEmpty() ? QVariant(row.item.message) : QVariant();
    case Qt::ForegroundRole:
        return index.column() == StateColumn && row.item.state == Cache::OutboxItem::State::Conflict
            ? QVariant(QBrush(QColor(0xb0, 0x00, 0x20)))
            : QVariant();
    case RawValueRole:
        switch (index.column()) {
        case StateColumn:
            return int(row.item.state);
        case RecordedColumn:
            return row.item.createdAt.toDateTime();
        default:
            return data(index, Qt::DisplayRole);
        }
    case IdRole:
        return row.item.id;
    case StateRole:
        return int(row.item.state);
    default:
        return {};
    }
}

QVariant OutboxModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
        return {};
    }
    switch (section) {
    case WhatColumn:
        return tr("Decision");
    case StateColumn:
        return tr("State");
    case MessageColumn:
        return tr("Server's answer");
    case RecordedColumn:
        return tr("Recorded");
    default:
        return {};
    }
}

} // namespace Elevate::Models
