#include "MyRolesModel.h"

#include "CacheDatabase.h"
#include "EntityRepository.h"
#include "Format.h"
#include "Session.h"

#include <QDateTime>
#include <QFont>
#include <QHash>

#include <algorithm>
#include <limits>

namespace Elevate::Models {

namespace {

QString targetKey(const RoleTarget& t)
{
    return QStringLiteral("%1|%2|%3|%4").arg(int(t.kind)).arg(t.id).arg(int(t.access)).arg(t.directoryScopeId);
}

// The rolePolicies key of a target (see SyncEngine): (scopeId, roleDefinitionId).
QString policyKeyOf(const RoleTarget& t)
{
    if (t.kind == PimKind::Group) {
        return t.id + u'|' + (t.access == GroupAccess::Owner ? QStringLiteral("owner") : QStringLiteral("member"));
    }
    return QStringLiteral("/|") + t.id;
}

bool isPending(RequestStatus s)
{
    switch (s) {
    case RequestStatus::PendingApproval:
    case RequestStatus::PendingAdminDecision:
    case RequestStatus::PendingProvisioning:
    case RequestStatus::PendingScheduleCreation:
    case RequestStatus::Granted:
    case RequestStatus::ScheduleCreated:
        return true;
    default:
        return false;
    }
}

bool sameTarget(const RoleTarget& a, const RoleTarget& b)
{
    return a.kind == b.kind && a.id == b.id && a.access == b.access && a.directoryScopeId == b.directoryScopeId
        && a.displayName == b.displayName;
}

} // namespace

bool operator==(const MyRoleEntry& a, const MyRoleEntry& b)
{
    return a.key == b.key && sameTarget(a.target, b.target) && a.eligible == b.eligible
        && a.eligibleUntil == b.eligibleUntil && a.active == b.active && a.pending == b.pending && a.policy == b.policy;
}

namespace {

bool lessThan(const MyRoleEntry& a, const MyRoleEntry& b)
{
    const int byName = a.target.displayName.compare(b.target.displayName, Qt::CaseInsensitive);
    return byName != 0 ? byName < 0 : a.key < b.key;
}

} // namespace

MyRoleEntry::State MyRoleEntry::state() const
{
    if (active) {
        return active->endDateTime.isNull() ? State::PermanentlyActive : State::Active;
    }
    if (pending) {
        return pending->status == RequestStatus::PendingApproval
                || pending->status == RequestStatus::PendingAdminDecision
            ? State::PendingApproval
            : State::Scheduled;
    }
    return State::Eligible;
}

Timestamp MyRoleEntry::activeEnd() const
{
    return active ? active->endDateTime : Timestamp();
}

std::optional<IsoDuration> MyRoleEntry::maximumDuration() const
{
    if (!policy) {
        return std::nullopt;
    }
    const ExpirationRule* rule = policy->expirationRule(RuleIds::ExpirationEndUserAssignment);
    return rule ? rule->maximumDuration : std::nullopt;
}

bool MyRoleEntry::needs(EnablementRequirement requirement) const
{
    if (!policy) {
        return false;
    }
    const EnablementRule* rule = policy->enablementRule(RuleIds::EnablementEndUserAssignment);
    if (requirement == EnablementRequirement::Justification) {
        const ApprovalRule* approval = policy->approvalRule(RuleIds::ApprovalEndUserAssignment);
        if (approval && approval->isApprovalRequired && approval->isRequestorJustificationRequired) {
            return true;
        }
    }
    return rule && rule->demands(requirement);
}

bool MyRoleEntry::needsApproval() const
{
    if (!policy) {
        return false;
    }
    const ApprovalRule* approval = policy->approvalRule(RuleIds::ApprovalEndUserAssignment);
    return approval && approval->isApprovalRequired;
}

QString MyRoleEntry::sessionName() const
{
    if (target.kind != PimKind::Group) {
        return target.id;
    }
    return target.id + (target.access == GroupAccess::Owner ? QStringLiteral(":owner") : QStringLiteral(":member"));
}

QString policySummary(const RolePolicy& policy)
{
    QStringList parts;
    if (const ExpirationRule* e = policy.expirationRule(RuleIds::ExpirationEndUserAssignment);
        e && e->maximumDuration) {
        parts << MyRolesModel::tr("max %1").arg(Format::duration(*e->maximumDuration));
    }
    if (const ApprovalRule* a = policy.approvalRule(RuleIds::ApprovalEndUserAssignment); a && a->isApprovalRequired) {
        parts << MyRolesModel::tr("approval");
    }
    if (const EnablementRule* r = policy.enablementRule(RuleIds::EnablementEndUserAssignment)) {
        if (r->demands(EnablementRequirement::Justification)) {
            parts << MyRolesModel::tr("justification");
        }
        if (r->demands(EnablementRequirement::Ticketing)) {
            parts << MyRolesModel::tr("ticket");
        }
        if (r->demands(EnablementRequirement::MultiFactorAuthentication)) {
            parts << MyRolesModel::tr("MFA");
        }
    }
    if (const AuthenticationContextRule* c
        = policy.authenticationContextRule(RuleIds::AuthenticationContextEndUserAssignment);
        c && c->isEnabled) {
        parts << MyRolesModel::tr("strong sign-in");
    }
    return parts.join(QStringLiteral(" · "));
}

MyRolesModel::MyRolesModel(Cache::CacheDatabase* cache, QObject* parent)
    : KeyedTableModel(parent)
    , m_cache(cache)
    , m_now([] { return Timestamp::fromDateTime(QDateTime::currentDateTimeUtc()); })
{
    m_countdown.setInterval(1000);
    connect(&m_countdown, &QTimer::timeout, this, &MyRolesModel::tick);
    m_countdown.start();
}

MyRolesModel::~MyRolesModel() = default;

void MyRolesModel::setClock(std::function<Timestamp()> now)
{
    m_now = std::move(now);
}

void MyRolesModel::setCountdownRunning(bool running)
{
    if (running) {
        m_countdown.start();
    } else {
        m_countdown.stop();
    }
}

bool MyRolesModel::dependsOn(const QStringList& tables)
{
    static const QStringList mine = { QStringLiteral("eligibilities"),
                                      QStringLiteral("activeAssignments"),
                                      QStringLiteral("roleDefinitions"),
                                      QStringLiteral("rolePolicies"),
                                      QStringLiteral("scheduleRequests") };
    return std::any_of(tables.cbegin(), tables.cend(), [](const QString& t) { return mine.contains(t); });
}

QList<MyRoleEntry> MyRolesModel::load(QString* error, QList<ScheduleRequest>* mineOut) const
{
    if (!m_cache || !m_cache->isOpen()) {
        *error = tr("The offline cache is not open.");
        return {};
    }
    Cache::EligibilityRepository eligibleRepo(*m_cache);
    Cache::ActiveAssignmentRepository activeRepo(*m_cache);
    Cache::RoleDefinitionRepository definitionRepo(*m_cache);
    Cache::PolicyRepository policyRepo(*m_cache);
    Cache::ScheduleRequestRepository requestRepo(*m_cache);

    const QList<Eligibility> eligible = eligibleRepo.all();
    const QList<ActiveAssignment> active = activeRepo.all();
    const QList<RoleDefinition> definitions = definitionRepo.all();
    const QList<RolePolicyAssignment> policies = policyRepo.all();
    const QList<ScheduleRequest> mine = requestRepo.all(QStringLiteral("mine"));
    for (const QString& e : { eligibleRepo.lastError(),
                              activeRepo.lastError(),
                              definitionRepo.lastError(),
                              policyRepo.lastError(),
                              requestRepo.lastError() }) {
        if (!e.isEmpty()) {
            *error = e;
            return {};
        }
    }

    *mineOut = mine;
    QHash<QString, QString> roleNames;
    for (const RoleDefinition& d : definitions) {
        roleNames.insert(d.id, d.displayName);
    }
    QHash<QString, RolePolicy> policyOf;
    for (const RolePolicyAssignment& a : policies) {
        if (a.policy) {
            policyOf.insert(a.scopeId + u'|' + a.roleDefinitionId, *a.policy);
        }
    }

    QList<MyRoleEntry> rows;
    for (const RoleRow& r : roleRows(eligible, active)) {
        MyRoleEntry e;
        e.target = r.target;
        if (e.target.kind != PimKind::Group && e.target.displayName == e.target.id) {
            e.target.displayName = roleNames.value(e.target.id, e.target.id);
        }
        e.key = targetKey(e.target);
        e.eligible = r.eligible;
        e.eligibleUntil = r.eligibleUntil;
        e.active = r.active;
        if (auto it = policyOf.constFind(policyKeyOf(e.target)); it != policyOf.cend()) {
            e.policy = *it;
        }
        rows << e;
    }
    // My own requests still waiting (newest first wins): the row of their role shows them.
    QList<ScheduleRequest> waiting;
    for (const ScheduleRequest& r : mine) {
        if (isPending(r.status)
            && (r.action == RequestAction::SelfActivate || r.action == RequestAction::SelfExtend
                || r.action == RequestAction::SelfRenew)) {
            waiting << r;
        }
    }
    std::sort(waiting.begin(), waiting.end(), [](const ScheduleRequest& a, const ScheduleRequest& b) {
        return a.createdDateTime > b.createdDateTime;
    });
    for (const ScheduleRequest& r : waiting) {
        const QString id = r.kind == PimKind::Group ? r.groupId : r.roleDefinitionId;
        auto it = std::find_if(rows.begin(), rows.end(), [&r, &id](const MyRoleEntry& e) {
            return e.target.kind == r.kind && e.target.id == id
                && (r.kind != PimKind::Group || e.target.access == r.accessId);
        });
        if (it != rows.end()) {
            if (!it->pending) {
                it->pending = r;
            }
        } else {
            MyRoleEntry e;
            e.target.kind = r.kind;
            e.target.id = id;
            e.target.access = r.accessId;
            e.target.directoryScopeId = r.directoryScopeId.isEmpty() ? QStringLiteral("/") : r.directoryScopeId;
            e.target.displayName = r.kind == PimKind::Group
                ? (r.group ? r.group->displayName : id)
                : (r.roleDefinition ? r.roleDefinition->displayName : roleNames.value(id, id));
            e.key = targetKey(e.target);
            e.pending = r;
            if (auto p = policyOf.constFind(policyKeyOf(e.target)); p != policyOf.cend()) {
                e.policy = *p;
            }
            rows << e;
        }
    }
    std::sort(rows.begin(), rows.end(), lessThan);
    return rows;
}

void MyRolesModel::refresh()
{
    QString error;
    QList<ScheduleRequest> mine;
    const QList<MyRoleEntry> fresh = load(&error, &mine);
    if (!error.isEmpty()) {
        m_lastError = error;
        emit refreshFailed(error);
        return;
    }
    m_lastError.clear();
    if (m_cache) {
        const auto state = m_cache->syncState(QStringLiteral("myRoles"));
        m_lastSync = state ? state->lastSync : Timestamp();
    }

    setRows(fresh);

    // My requests decided since the last refresh (the tray tells me).
    QHash<QString, RequestStatus> waiting;
    QList<ScheduleRequest> decided;
    for (const ScheduleRequest& r : mine) {
        if (r.status == RequestStatus::PendingApproval || r.status == RequestStatus::PendingAdminDecision) {
            waiting.insert(r.id, r.status);
        } else if (m_loaded && m_waitingMine.contains(r.id)
                   && (r.status == RequestStatus::Provisioned || r.status == RequestStatus::Granted
                       || r.status == RequestStatus::ScheduleCreated || r.status == RequestStatus::Denied
                       || r.status == RequestStatus::Failed)) {
            decided << r;
        }
    }
    m_waitingMine = waiting;
    m_loaded = true;
    emit refreshed();
    for (const ScheduleRequest& r : decided) {
        emit requestDecided(r);
    }
}

void MyRolesModel::tick()
{
    // Only the TimeLeft cells of rows with a running activation change with time.
    for (int i = 0; i < m_rows.size();) {
        if (!m_rows.at(i).hasCountdown()) {
            ++i;
            continue;
        }
        int last = i;
        while (last + 1 < m_rows.size() && m_rows.at(last + 1).hasCountdown()) {
            ++last;
        }
        emit dataChanged(index(i, TimeLeftColumn), index(last, TimeLeftColumn), { Qt::DisplayRole, RawValueRole });
        i = last + 1;
    }
}

int MyRolesModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant MyRolesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
        return {};
    }
    switch (section) {
    case RoleColumn:
        return tr("Role");
    case ScopeColumn:
        return tr("Scope");
    case StateColumn:
        return tr("State");
    case TimeLeftColumn:
        return tr("Time left");
    case PolicyColumn:
        return tr("Policy");
    default:
        return {};
    }
}

QVariant MyRolesModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) {
        return {};
    }
    const MyRoleEntry& e = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return displayValue(e, index.column());
    case Qt::ToolTipRole:
        if (index.column() == RoleColumn && e.pending) {
            return tr("Requested %1: %2").arg(Format::dateTime(e.pending->createdDateTime), e.pending->justification);
        }
        if (index.column() == TimeLeftColumn && e.active) {
            return e.active->endDateTime.isNull() ? tr("Permanent assignment")
                                                  : tr("Ends %1").arg(Format::dateTime(e.active->endDateTime));
        }
        return displayValue(e, index.column());
    case Qt::FontRole:
        if (e.active) { // what I hold now stands out
            QFont bold;
            bold.setBold(true);
            return bold;
        }
        return {};
    case RawValueRole:
        return rawValue(e, index.column());
    case IdRole:
        return e.key;
    case StateRole:
        return int(e.state());
    default:
        return {};
    }
}

QVariant MyRolesModel::displayValue(const MyRoleEntry& e, int column) const
{
    switch (column) {
    case RoleColumn:
        return e.target.displayName;
    case ScopeColumn:
        if (e.target.kind == PimKind::Group) {
            return e.target.access == GroupAccess::Owner ? tr("Group owner") : tr("Group member");
        }
        return e.target.directoryScopeId == u"/" ? tr("Directory") : e.target.directoryScopeId;
    case StateColumn:
        switch (e.state()) {
        case MyRoleEntry::State::Eligible:
            return tr("Eligible");
        case MyRoleEntry::State::Active:
            return e.pending ? tr("Active, extension requested") : tr("Active");
        case MyRoleEntry::State::PermanentlyActive:
            return tr("Active (permanent)");
        case MyRoleEntry::State::PendingApproval:
            return tr("Waiting for approval");
        case MyRoleEntry::State::Scheduled:
            return tr("Scheduled");
        }
        return {};
    case TimeLeftColumn:
        if (e.active) {
            return Format::timeLeft(e.active->endDateTime, m_now());
        }
        if (e.pending) {
            if (e.pending->status != RequestStatus::PendingApproval && e.pending->scheduleInfo
                && !e.pending->scheduleInfo->startDateTime.isNull()) {
                return tr("starts %1").arg(Format::dateTime(e.pending->scheduleInfo->startDateTime));
            }
            return tr("requested %1").arg(Format::ago(e.pending->createdDateTime, m_now()));
        }
        return e.eligibleUntil.isNull() ? QString() : tr("eligible until %1").arg(Format::dateTime(e.eligibleUntil));
    case PolicyColumn:
        return e.policy ? policySummary(*e.policy) : QString();
    default:
        return {};
    }
}

QVariant MyRolesModel::rawValue(const MyRoleEntry& e, int column) const
{
    switch (column) {
    case RoleColumn:
        return e.target.displayName;
    case ScopeColumn:
        return displayValue(e, column);
    case StateColumn:
        return int(e.state());
    case TimeLeftColumn:
        if (e.active) {
            // Seconds left; permanent ones sort last.
            return e.active->endDateTime.isNull()
                ? std::numeric_limits<qint64>::max()
                : qint64(e.active->endDateTime.secsSinceEpoch() - m_now().secsSinceEpoch());
        }
        return e.eligibleUntil.isNull() ? QVariant() : QVariant(e.eligibleUntil.toDateTime());
    case PolicyColumn: {
        const auto max = e.maximumDuration();
        return max ? QVariant(qint64(max->seconds())) : QVariant();
    }
    default:
        return {};
    }
}

} // namespace Elevate::Models
