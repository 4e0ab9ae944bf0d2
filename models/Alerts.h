#pragma once

#include "ActiveAssignment.h"
#include "Eligibility.h"
#include "RoleDefinition.h"
#include "RolePolicy.h"
#include "Timestamp.h"

#include <QCoreApplication>
#include <QHash>
#include <QList>
#include <QSet>
#include <QStringList>

namespace Elevate {
namespace Cache {
class AuditStore;
class CacheDatabase;
} // namespace Cache
} // namespace Elevate

namespace Elevate::Models {

// One risk PIM warns about, with the people it concerns and what to do.
struct Alert
{
    enum class Kind {
        PermanentPrivilegedAssignment, // someone holds a highly privileged role permanently (Assigned, no end)
        TooManyGlobalAdministrators,   // more than AlertSettings::maxGlobalAdministrators people hold Global Administrator
        RoleWithoutMfaOrApproval,      // a privileged role's policy requires neither MFA nor approval to activate
        UnusedEligibility,             // eligible for a role and not activated it in AlertSettings::unusedDays
        FrequentActivation,            // a role activated more than AlertSettings::activationsPerWeek times in 7 days
    };
    enum class Severity { Low, Medium, High };

    Kind kind = Kind::PermanentPrivilegedAssignment;
    Severity severity = Severity::Medium;
    QString key;           // stable: kind and subject (role, role+person); the model's IdRole
    QString roleId;        // the role concerned, when one is
    QString roleName;
    QString title;         // one line, translated
    QString description;   // what was found, translated
    QString action;        // what to do, translated
    QStringList affectedIds;
    QStringList affected;  // display names (the id when the cache has no name), same order as affectedIds

    friend bool operator==(const Alert&, const Alert&) = default;
};

struct AlertSettings
{
    int maxGlobalAdministrators = 5;
    int unusedDays = 90;
    int activationsPerWeek = 10;
    // Roles counted as highly privileged (role template ids); defaults to privilegedRoleIds().
    QSet<QString> privilegedRoleIds;
};

// One completed activation of a role (or group) by a principal, read from the audit archive.
struct ActivationRecord
{
    QString principalId;
    QString principalName;
    QString roleId; // role definition id, or group id
    Timestamp when;
};

// What the alerts are computed from. fromCache() fills it from what the cache holds; tests
// build it directly or seed the cache.
struct AlertInputs
{
    Timestamp now;
    QList<RoleDefinition> roles;
    QList<Eligibility> eligibilities;
    QList<ActiveAssignment> assignments;
    QList<RolePolicyAssignment> policies;
    QList<ActivationRecord> activations; // the last AlertSettings::unusedDays days (at least 7)
    bool haveAssignments = false;        // the myRoles collection was pulled
    bool haveAudit = false;              // the audit archive was pulled (activations mean something)
    QHash<QString, QString> names;       // principal id -> display name, from anything the cache names
};

// The Alerts pane's computation: pure functions of what the cache holds, the same for Entra and
// elevated since both speak the same Graph dialect.
//
// What an alert cannot know (limitations() lists those that apply to given inputs):
//  - My Roles pulls eligibilities and active assignments with filterByCurrentUser: the user's
//    own. Administrators and auditors also get everyone's directory roles (SyncEngine's
//    Organisation collection, scope "organisation"), and then the permanent-assignment, Global
//    Administrator count and unused-eligibility alerts cover the whole organisation; anyone else's
//    alerts see only their own roles (limitations() says so). PIM for Groups lists need a
//    group filter, so groups stay the user's own.
//  - Role policies are read live at activation (Session::activate); the cache holds the ones
//    written to its policy table. A privileged role with no cached policy raises no
//    MFA/approval alert: it is listed as unknown instead.
//  - Activation counts and last activations come from the audit archive, which only auditors
//    and administrators can pull (directoryAudits needs AuditLog.Read.All on Entra, the
//    auditor or admin role on elevated). Without it the unused-eligibility and
//    frequent-activation alerts are not computed. Entra keeps 30 days of audit (elevated: its
//    retention); the archive keeps what it pulled beyond that, but an eligibility older than
//    the archive may have been activated before the archive began: "not activated in 90 days"
//    is then "not since the archive began", and the alert says so.
//  - Group memberships are not expanded: a group that holds a role counts as one principal.
class Alerts final
{
    Q_DECLARE_TR_FUNCTIONS(Alerts)

public:
    static QList<Alert> compute(const AlertInputs& inputs, const AlertSettings& settings = {});
    // Reads the inputs from the cache (and the audit archive when one is given and was pulled).
    static AlertInputs fromCache(Cache::CacheDatabase& cache, Cache::AuditStore* audit, const Timestamp& now,
                                 const AlertSettings& settings = {});
    // Sentences saying what the alerts could not see with these inputs (translated).
    static QStringList limitations(const AlertInputs& inputs, const AlertSettings& settings = {});

    // Microsoft's highly privileged built-in roles (template ids), Global Administrator first.
    static QSet<QString> privilegedRoleIds();
    static QString globalAdministratorId();
    // The audit activity of a completed activation, for roles and for groups.
    static QStringList activationActivities();

    static QString severityText(Alert::Severity severity);
};

} // namespace Elevate::Models
