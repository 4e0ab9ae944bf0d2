#pragma once

#include "AccessReview.h"
#include "ActiveAssignment.h"
#include "RolePolicy.h"
#include "ScheduleRequest.h"
#include "SessionTypes.h" // after the core types it uses
#include "Timestamp.h"

#include "KeyedTableModel.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QList>
#include <QTimer>

#include <functional>
#include <optional>

namespace Elevate::Cache {
class CacheDatabase;
}

namespace Elevate::Models {

// What one row of My Roles is: a role or group access the user is eligible for or holds, with
// its active assignment, the user's own pending request for it and its policy, all read from
// the cache.
struct MyRoleEntry
{
    enum class State { Eligible, Active, PermanentlyActive, PendingApproval, Scheduled };

    QString key; // kind|id|access|scope: stable across refreshes
    RoleTarget target;
    bool eligible = false;
    Timestamp eligibleUntil;
    std::optional<ActiveAssignment> active;
    std::optional<ScheduleRequest> pending; // my request waiting for approval or a future start
    std::optional<RolePolicy> policy;

    State state() const;
    // The active assignment's end (null when none or permanent).
    Timestamp activeEnd() const;
    bool hasCountdown() const { return active && !active->endDateTime.isNull(); }
    // The maximum activation duration of the policy, when the cache has it.
    std::optional<IsoDuration> maximumDuration() const;
    bool needs(EnablementRequirement requirement) const;
    bool needsApproval() const;
    // "id" for roles, "id:member"/"id:owner" for groups: what Session resolves unambiguously.
    QString sessionName() const;

    // Equal when every field a cell shows or a refresh compares is equal.
    friend bool operator==(const MyRoleEntry& a, const MyRoleEntry& b);
};

// My Roles: eligible and active roles (directory roles and PIM groups, member/owner) with
// scope, state, time left and a policy summary, plus my pending requests, read from the
// profile's cache (tables eligibilities, activeAssignments, roleDefinitions, rolePolicies,
// scheduleRequests "mine"). It never calls the network: call refresh() when the SyncEngine says
// those tables changed. A refresh emits the smallest change (rows removed, inserted, or
// dataChanged on rows whose content changed). A one-second countdown emits dataChanged for the
// TimeLeft column of rows with a running activation only.
class MyRolesModel final : public KeyedTableModel<MyRoleEntry>
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MyRolesModel)

public:
    enum Column { RoleColumn, ScopeColumn, StateColumn, TimeLeftColumn, PolicyColumn, ColumnCount };
    enum Role {
        RawValueRole = Qt::UserRole + 1, // sortable: name, state, seconds left / end time, max duration
        IdRole, // MyRoleEntry::key
        StateRole, // MyRoleEntry::State as int
    };

    explicit MyRolesModel(Cache::CacheDatabase* cache, QObject* parent = nullptr);
    ~MyRolesModel() override;

    // The clock for countdowns (tests align it with the server's).
    void setClock(std::function<Timestamp()> now);
    Timestamp now() const { return m_now(); }
    // Starts or stops the one-second countdown timer (on by default).
    void setCountdownRunning(bool running);

    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    const MyRoleEntry& entry(int row) const { return m_rows.at(row); }
    // When My Roles were last pulled into the cache (null: never).
    Timestamp lastSync() const { return m_lastSync; }
    QString lastError() const { return m_lastError; }

    // The cache's tables this model reads; refresh when tablesChanged names one of them.
    static bool dependsOn(const QStringList& tables);

public slots:
    // Re-reads the cache. On a read failure the rows stay as they were and refreshFailed fires.
    void refresh();
    // One countdown step (the timer calls it every second).
    void tick();

signals:
    void refreshFailed(const QString& error);
    // After every successful refresh (also when nothing changed).
    void refreshed();
    // A request of mine that was waiting for approval at the previous refresh has been decided
    // since (approved: Provisioned/Granted/ScheduleCreated; denied: Denied; or Failed). Not on
    // the first refresh, and not for requests I cancelled.
    void requestDecided(const Elevate::ScheduleRequest& request);

protected:
    QString keyOf(const MyRoleEntry& row) const override { return row.key; }

private:
    QList<MyRoleEntry> load(QString* error, QList<ScheduleRequest>* mine) const;
    QVariant displayValue(const MyRoleEntry& e, int column) const;
    QVariant rawValue(const MyRoleEntry& e, int column) const;

    Cache::CacheDatabase* m_cache;
    std::function<Timestamp()> m_now;
    QHash<QString, RequestStatus> m_waitingMine; // my requests pending approval at the last refresh
    bool m_loaded = false;
    Timestamp m_lastSync;
    QString m_lastError;
    QTimer m_countdown;
};

// A short translated summary of a policy: "max 8 h · approval · ticket · MFA".
QString policySummary(const RolePolicy& policy);

} // namespace Elevate::Models
