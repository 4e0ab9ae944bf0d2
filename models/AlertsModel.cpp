#include "AlertsModel.h"

#include <QBrush>
#include <QColor>
#include <QDateTime>

namespace Elevate::Models {

AlertsModel::AlertsModel(Cache::CacheDatabase& cache, Cache::AuditStore* audit, QObject* parent)
    : KeyedTableModel<Alert>(parent)
    , m_cache(cache)
    , m_audit(audit)
    , m_now([] { return Timestamp::fromDateTime(QDateTime::currentDateTimeUtc()); })
{
}

void AlertsModel::reload()
{
    const AlertInputs inputs = Alerts::fromCache(m_cache, m_audit, m_now(), m_settings);
    m_limitations = Alerts::limitations(inputs, m_settings);
    setRows(Alerts::compute(inputs, m_settings));
}

int AlertsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant AlertsModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) {
        return {};
    }
    const Alert& a = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case SeverityColumn:
            return Alerts::severityText(a.severity);
        case AlertColumn:
            return a.title;
        case AffectedColumn:
            return a.affected.size() == 1 ? tr("1 person") : tr("%1 people").arg(a.affected.size());
        default:
            return {};
        }
    case Qt::ToolTipRole:
        return index.column() == AlertColumn ? QVariant(a.description) : QVariant();
    case Qt::ForegroundRole:
        if (index.column() == SeverityColumn && a.severity == Alert::Severity::High) {
            return QBrush(QColor(0xb0, 0x00, 0x20));
        }
        return {};
    case RawValueRole:
        switch (index.column()) {
        case SeverityColumn:
            return int(a.severity);
        case AlertColumn:
            return a.title;
        case AffectedColumn:
            return int(a.affected.size());
        default:
            return {};
        }
    case IdRole:
        return a.key;
    case KindRole:
        return int(a.kind);
    case DescriptionRole:
        return a.description;
    case ActionRole:
        return a.action;
    case AffectedRole:
        return a.affected;
    default:
        return {};
    }
}

QVariant AlertsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
        return {};
    }
    switch (section) {
    case SeverityColumn:
        return tr("Severity");
    case AlertColumn:
        return tr("Alert");
    case AffectedColumn:
        return tr("Affected");
    default:
        return {};
    }
}

} // namespace Elevate::Models
