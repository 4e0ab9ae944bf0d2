#pragma once

#include "Alerts.h"
#include "KeyedTableModel.h"

#include <functional>

namespace Elevate::Models {

// The Alerts pane's list: Alerts::compute over what the cache holds, one row per alert
// (severity, title, number of people affected). reload() recomputes and emits the smallest
// change; limitations() says what the alerts could not see.
class AlertsModel final : public KeyedTableModel<Alert>
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AlertsModel)

public:
    enum Column { SeverityColumn, AlertColumn, AffectedColumn, ColumnCount };
    enum Role {
        RawValueRole = Qt::UserRole + 1, // severity as int, title, affected count
        IdRole,                          // Alert::key
        KindRole,                        // int(Alert::Kind)
        DescriptionRole,
        ActionRole,
        AffectedRole,                    // QStringList of display names
    };

    // Reads `cache` (and the archive, may be null) at each reload; `now` defaults to the clock.
    AlertsModel(Cache::CacheDatabase& cache, Cache::AuditStore* audit, QObject* parent = nullptr);

    void setSettings(const AlertSettings& settings) { m_settings = settings; }
    // The audit archive the activation alerts read (null: those alerts are not checked).
    void setAudit(Cache::AuditStore* audit) { m_audit = audit; }
    void setClock(std::function<Timestamp()> now) { m_now = std::move(now); }
    void reload();
    const QStringList& limitations() const { return m_limitations; }
    const Alert* alertAt(int row) const { return row >= 0 && row < m_rows.size() ? &m_rows.at(row) : nullptr; }

    int columnCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

protected:
    QString keyOf(const Alert& row) const override { return row.key; }

private:
    Cache::CacheDatabase& m_cache;
    Cache::AuditStore* m_audit;
    AlertSettings m_settings;
    std::function<Timestamp()> m_now;
    QStringList m_limitations;
};

} // namespace Elevate::Models
