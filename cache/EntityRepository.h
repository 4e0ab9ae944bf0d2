#pragma once

#include "AccessReview.h"
#include "ActiveAssignment.h"
#include "Approval.h"
#include "Eligibility.h"
#include "RoleDefinition.h"
#include "RolePolicy.h"
#include "ScheduleRequest.h"
#include "Timestamp.h"

#include <QList>
#include <QString>
#include <QVariant>

#include <optional>

namespace Elevate::Cache {

class CacheDatabase;

// The cached rows of one entity type: one row per entity with the columns the panes filter and
// sort on, plus the entity's Graph JSON (GraphCodec), which is what reads return.
//
// Rows belong to a scope: '' for the signed-in user's own collections, or the parent's id for
// nested collections (a review definition's instances, an instance's decisions), or a name
// that tells two pulls of the same type apart (ScheduleRequest: "mine" and "approver").
//
// Threading: uses the CacheDatabase's connection, so the thread that opened it.
template <typename T>
class EntityRepository final
{
public:
    explicit EntityRepository(CacheDatabase& db)
        : m_db(db)
    {
    }

    // Replaces every row of scope with items, in one transaction that also marks `collection`
    // synced at `when` in sync_state (when collection is not empty). A reader on another
    // connection sees either the old collection or the new one, never a mix.
    bool replaceCollection(const QString& scope, const QList<T>& items, const QString& collection = QString(),
                           const Timestamp& when = Timestamp());
    // Inserts or replaces single items (after an action's answer), keeping the other rows.
    bool upsert(const QString& scope, const QList<T>& items);
    bool remove(const QString& scope, const QString& id);

    // The scope's items in the order the server sent them.
    QList<T> all(const QString& scope = QString()) const;
    // Items whose indexed column equals value (column names: see the schema, e.g.
    // "role_definition_id", "status"). Enum columns hold the enum's integer value.
    QList<T> where(const QString& scope, const QString& column, const QVariant& value) const;
    std::optional<T> find(const QString& scope, const QString& id) const;
    int count(const QString& scope = QString()) const;

    QString lastError() const { return m_lastError; }

private:
    bool insertRows(const QString& scope, const QList<T>& items, int firstPosition);

    CacheDatabase& m_db;
    mutable QString m_lastError;
};

using RoleDefinitionRepository = EntityRepository<RoleDefinition>;
using EligibilityRepository = EntityRepository<Eligibility>;
using ActiveAssignmentRepository = EntityRepository<ActiveAssignment>;
// "mine" for my requests, "approver" for requests waiting for my approval.
using ScheduleRequestRepository = EntityRepository<ScheduleRequest>;
// Approvals with their steps, keyed by the request id.
using ApprovalRepository = EntityRepository<Approval>;
// Role management policy assignments with their expanded policy and rules.
using PolicyRepository = EntityRepository<RolePolicyAssignment>;
using ReviewDefinitionRepository = EntityRepository<AccessReviewDefinition>;
// Scope: the definition id.
using ReviewInstanceRepository = EntityRepository<AccessReviewInstance>;
// Scope: the instance id.
using ReviewDecisionRepository = EntityRepository<ReviewDecision>;

extern template class EntityRepository<RoleDefinition>;
extern template class EntityRepository<Eligibility>;
extern template class EntityRepository<ActiveAssignment>;
extern template class EntityRepository<ScheduleRequest>;
extern template class EntityRepository<Approval>;
extern template class EntityRepository<RolePolicyAssignment>;
extern template class EntityRepository<AccessReviewDefinition>;
extern template class EntityRepository<AccessReviewInstance>;
extern template class EntityRepository<ReviewDecision>;

} // namespace Elevate::Cache
