#pragma once

#include "Approval.h"
#include "RolePolicy.h"
#include "ScheduleRequest.h"
#include "Timestamp.h"

#include "KeyedTableModel.h"

#include <QAbstractTableModel>
#include <QList>

#include <functional>
#include <optional>

namespace Elevate::Cache {
class CacheDatabase;
}

namespace Elevate::Models {

// One request waiting for my approval, with its approval (steps) and its role's policy.
struct ApprovalEntry
{
    ScheduleRequest request;
    std::optional<Approval> approval;
    std::optional<RolePolicy> policy;

    QString roleName() const;
    QString requesterName() const;
    // The requested duration (null when the request gives an end time or none).
    std::optional<IsoDuration> duration() const;
    // When the request lapses without a decision: created + the sum of its stages' time-outs
    // (what elevated enforces); null when the policy is not in the cache.
    Timestamp lapsesAt() const;
    // 0-based index of the stage being decided (the step in progress), and the stage count.
    int currentStage() const;
    int stageCount() const;
    // The approvers of the current stage (display names) other than `me`.
    QStringList otherApprovers(const QString& me) const;
    // The current stage asks the approver for a reason.
    bool reasonRequired() const;

    friend bool operator==(const ApprovalEntry& a, const ApprovalEntry& b)
    {
        return a.request == b.request && a.approval == b.approval && a.policy == b.policy;
    }
};

// Pending Approvals: the requests waiting for my approval (cache scope "approver" of
// scheduleRequests, with approvals and the rolePolicies of scope "approver"), newest first.
// Reads the cache only; refresh() when the SyncEngine reports those tables changed. Emits the
// smallest change: rows removed, inserted, or dataChanged on rows whose content changed.
class ApprovalsModel final : public KeyedTableModel<ApprovalEntry>
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ApprovalsModel)

public:
    enum Column {
        RequesterColumn,
        RoleColumn,
        ScopeColumn,
        JustificationColumn,
        TicketColumn,
        DurationColumn,
        RequestedColumn,
        LapsesColumn,
        StageColumn,
        ApproversColumn,
        ColumnCount
    };
    enum Role {
        RawValueRole = Qt::UserRole + 1, // sortable: QDateTime for times, seconds for durations
        IdRole, // the request id
        ReasonRequiredRole, // bool
    };

    explicit ApprovalsModel(Cache::CacheDatabase* cache, QObject* parent = nullptr);
    ~ApprovalsModel() override;

    void setClock(std::function<Timestamp()> now);
    // My principal id, to leave me out of "who else approves" (empty: nobody is left out).
    void setMyId(const QString& id);

    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    const ApprovalEntry& entry(int row) const { return m_rows.at(row); }
    int rowOfId(const QString& requestId) const { return rowOfKey(requestId); }
    Timestamp lastSync() const { return m_lastSync; }
    QString lastError() const { return m_lastError; }

    static bool dependsOn(const QStringList& tables);

public slots:
    // Re-reads the cache. On a read failure the rows stay and refreshFailed fires.
    void refresh();

signals:
    void refreshFailed(const QString& error);
    void refreshed();

protected:
    QString keyOf(const ApprovalEntry& row) const override { return row.request.id; }

private:
    QList<ApprovalEntry> load(QString* error) const;
    QVariant displayValue(const ApprovalEntry& e, int column) const;
    QVariant rawValue(const ApprovalEntry& e, int column) const;

    Cache::CacheDatabase* m_cache;
    std::function<Timestamp()> m_now;
    QString m_me;
    Timestamp m_lastSync;
    QString m_lastError;
};

} // namespace Elevate::Models
