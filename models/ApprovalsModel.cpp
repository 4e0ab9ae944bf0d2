#include "ApprovalsModel.h"

#include "CacheDatabase.h"
#include "EntityRepository.h"
#include "Format.h"

#include <QDateTime>
#include <QHash>

#include <algorithm>

namespace Elevate::Models {

namespace {

QString policyKeyOf(const ScheduleRequest& r)
{
    if (r.kind == PimKind::Group) {
        return r.groupId + u'|'
            + (r.accessId == GroupAccess::Owner ? QStringLiteral("owner") : QStringLiteral("member"));
    }
    return QStringLiteral("/|") + r.roleDefinitionId;
}

const ApprovalRule* approvalRuleOf(const std::optional<RolePolicy>& policy)
{
    return policy ? policy->approvalRule(RuleIds::ApprovalEndUserAssignment) : nullptr;
}

} // namespace

QString ApprovalEntry::roleName() const
{
    if (request.kind == PimKind::Group) {
        const QString group = request.group ? request.group->displayName : request.groupId;
        return request.accessId == GroupAccess::Owner ? ApprovalsModel::tr("%1 (owner)").arg(group)
                                                      : ApprovalsModel::tr("%1 (member)").arg(group);
    }
    return request.roleDefinition ? request.roleDefinition->displayName : request.roleDefinitionId;
}

QString ApprovalEntry::requesterName() const
{
    if (request.principal && !request.principal->displayName.isEmpty()) {
        return request.principal->displayName;
    }
    if (request.createdBy && !request.createdBy->displayName.isEmpty()) {
        return request.createdBy->displayName;
    }
    return request.principalId;
}

std::optional<IsoDuration> ApprovalEntry::duration() const
{
    if (!request.scheduleInfo) {
        return std::nullopt;
    }
    const Expiration& e = request.scheduleInfo->expiration;
    if (e.type == ExpirationType::AfterDuration && e.duration) {
        return e.duration;
    }
    if (e.type == ExpirationType::AfterDateTime && !e.endDateTime.isNull()) {
        const Timestamp start = request.scheduleInfo->startDateTime.isNull() ? request.createdDateTime
                                                                             : request.scheduleInfo->startDateTime;
        return IsoDuration::fromSeconds(e.endDateTime.secsSinceEpoch() - start.secsSinceEpoch());
    }
    return std::nullopt;
}

Timestamp ApprovalEntry::lapsesAt() const
{
    const ApprovalRule* rule = approvalRuleOf(policy);
    if (!rule || request.createdDateTime.isNull()) {
        return {};
    }
    qint64 days = 0;
    for (const ApprovalStage& stage : rule->approvalStages) {
        days += qMax(1, stage.approvalStageTimeOutInDays);
    }
    return request.createdDateTime.plusSeconds(qMax<qint64>(days, 1) * 86400);
}

int ApprovalEntry::currentStage() const
{
    if (!approval) {
        return 0;
    }
    for (int i = 0; i < approval->steps.size(); ++i) {
        if (approval->steps.at(i).status == ApprovalStepStatus::InProgress) {
            return i;
        }
    }
    return 0;
}

int ApprovalEntry::stageCount() const
{
    if (approval && !approval->steps.isEmpty()) {
        return int(approval->steps.size());
    }
    const ApprovalRule* rule = approvalRuleOf(policy);
    return rule ? int(rule->approvalStages.size()) : 0;
}

QStringList ApprovalEntry::otherApprovers(const QString& me) const
{
    const ApprovalRule* rule = approvalRuleOf(policy);
    const int stage = currentStage();
    if (!rule || stage >= rule->approvalStages.size()) {
        return {};
    }
    QStringList names;
    for (const SubjectSet& s : rule->approvalStages.at(stage).primaryApprovers) {
        if ((!me.isEmpty() && s.id == me) || s.id == request.principalId) {
            continue;
        }
        names << (s.description.isEmpty() ? s.id : s.description);
    }
    return names;
}

bool ApprovalEntry::reasonRequired() const
{
    const ApprovalRule* rule = approvalRuleOf(policy);
    const int stage = currentStage();
    return rule && stage < rule->approvalStages.size()
        && rule->approvalStages.at(stage).isApproverJustificationRequired;
}

ApprovalsModel::ApprovalsModel(Cache::CacheDatabase* cache, QObject* parent)
    : KeyedTableModel(parent)
    , m_cache(cache)
    , m_now([] { return Timestamp::fromDateTime(QDateTime::currentDateTimeUtc()); })
{
}

ApprovalsModel::~ApprovalsModel() = default;

void ApprovalsModel::setClock(std::function<Timestamp()> now)
{
    m_now = std::move(now);
}

void ApprovalsModel::setMyId(const QString& id)
{
    if (m_me == id) {
        return;
    }
    m_me = id;
    if (!m_rows.isEmpty()) {
        emit dataChanged(index(0, ApproversColumn), index(int(m_rows.size()) - 1, ApproversColumn));
    }
}

bool ApprovalsModel::dependsOn(const QStringList& tables)
{
    static const QStringList mine
        = { QStringLiteral("scheduleRequests"), QStringLiteral("approvals"), QStringLiteral("rolePolicies") };
    return std::any_of(tables.cbegin(), tables.cend(), [](const QString& t) { return mine.contains(t); });
}

QList<ApprovalEntry> ApprovalsModel::load(QString* error) const
{
    if (!m_cache || !m_cache->isOpen()) {
        *error = tr("The offline cache is not open.");
        return {};
    }
    Cache::ScheduleRequestRepository requestRepo(*m_cache);
    Cache::ApprovalRepository approvalRepo(*m_cache);
    Cache::PolicyRepository policyRepo(*m_cache);
    const QList<ScheduleRequest> requests = requestRepo.all(QStringLiteral("approver"));
    const QList<Approval> approvals = approvalRepo.all();
    const QList<RolePolicyAssignment> policies = policyRepo.all(QStringLiteral("approver"));
    for (const QString& e : { requestRepo.lastError(), approvalRepo.lastError(), policyRepo.lastError() }) {
        if (!e.isEmpty()) {
            *error = e;
            return {};
        }
    }
    QHash<QString, Approval> approvalOf;
    for (const Approval& a : approvals) {
        approvalOf.insert(a.id, a);
    }
    QHash<QString, RolePolicy> policyOf;
    for (const RolePolicyAssignment& a : policies) {
        if (a.policy) {
            policyOf.insert(a.scopeId + u'|' + a.roleDefinitionId, *a.policy);
        }
    }
    QList<ApprovalEntry> rows;
    for (const ScheduleRequest& r : requests) {
        if (r.status != RequestStatus::PendingApproval) {
            continue;
        }
        ApprovalEntry e;
        e.request = r;
        const QString approvalId = r.approvalId.isEmpty() ? r.id : r.approvalId;
        if (auto it = approvalOf.constFind(approvalId); it != approvalOf.cend()) {
            e.approval = *it;
        }
        if (auto it = policyOf.constFind(policyKeyOf(r)); it != policyOf.cend()) {
            e.policy = *it;
        }
        rows << e;
    }
    std::stable_sort(rows.begin(), rows.end(), [](const ApprovalEntry& a, const ApprovalEntry& b) {
        return a.request.createdDateTime != b.request.createdDateTime
            ? a.request.createdDateTime > b.request.createdDateTime
            : a.request.id < b.request.id;
    });
    return rows;
}

void ApprovalsModel::refresh()
{
    QString error;
    const QList<ApprovalEntry> fresh = load(&error);
    if (!error.isEmpty()) {
        m_lastError = error;
        emit refreshFailed(error);
        return;
    }
    m_lastError.clear();
    const auto state = m_cache->syncState(QStringLiteral("approvals"));
    m_lastSync = state ? state->lastSync : Timestamp();

    setRows(fresh);
    emit refreshed();
}

int ApprovalsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ApprovalsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
        return {};
    }
    switch (section) {
    case RequesterColumn:
        return tr("Requester");
    case RoleColumn:
        return tr("Role or group");
    case ScopeColumn:
        return tr("Scope");
    case JustificationColumn:
        return tr("Justification");
    case TicketColumn:
        return tr("Ticket");
    case DurationColumn:
        return tr("Duration");
    case RequestedColumn:
        return tr("Requested");
    case LapsesColumn:
        return tr("Lapses");
    case StageColumn:
        return tr("Stage");
    case ApproversColumn:
        return tr("Other approvers");
    default:
        return {};
    }
}

QVariant ApprovalsModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) {
        return {};
    }
    const ApprovalEntry& e = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return displayValue(e, index.column());
    case Qt::ToolTipRole:
        if (index.column() == JustificationColumn) {
            return e.request.justification;
        }
        if (index.column() == LapsesColumn && !e.lapsesAt().isNull()) {
            return tr("Lapses %1 unless decided").arg(Format::dateTime(e.lapsesAt()));
        }
        return displayValue(e, index.column());
    case RawValueRole:
        return rawValue(e, index.column());
    case IdRole:
        return e.request.id;
    case ReasonRequiredRole:
        return e.reasonRequired();
    default:
        return {};
    }
}

QVariant ApprovalsModel::displayValue(const ApprovalEntry& e, int column) const
{
    switch (column) {
    case RequesterColumn:
        return e.requesterName();
    case RoleColumn:
        return e.roleName();
    case ScopeColumn:
        if (e.request.kind == PimKind::Group) {
            return tr("Group");
        }
        return e.request.directoryScopeId.isEmpty() || e.request.directoryScopeId == u"/" ? tr("Directory")
                                                                                          : e.request.directoryScopeId;
    case JustificationColumn:
        return e.request.justification;
    case TicketColumn: {
        const TicketInfo& t = e.request.ticketInfo;
        if (t.isEmpty()) {
            return QString();
        }
        return t.ticketSystem.isEmpty() ? t.ticketNumber : tr("%1 (%2)").arg(t.ticketNumber, t.ticketSystem);
    }
    case DurationColumn: {
        const auto d = e.duration();
        return d ? Format::duration(*d) : QString();
    }
    case RequestedColumn:
        return Format::ago(e.request.createdDateTime, m_now());
    case LapsesColumn: {
        const Timestamp at = e.lapsesAt();
        return at.isNull() ? QString() : Format::timeLeft(at, m_now());
    }
    case StageColumn: {
        const int count = e.stageCount();
        return count > 0 ? tr("%1 of %2").arg(e.currentStage() + 1).arg(count) : QString();
    }
    case ApproversColumn:
        return e.otherApprovers(m_me).join(QStringLiteral(", "));
    default:
        return {};
    }
}

QVariant ApprovalsModel::rawValue(const ApprovalEntry& e, int column) const
{
    switch (column) {
    case DurationColumn: {
        const auto d = e.duration();
        return d ? QVariant(qint64(d->seconds())) : QVariant();
    }
    case RequestedColumn:
        return e.request.createdDateTime.toDateTime();
    case LapsesColumn: {
        const Timestamp at = e.lapsesAt();
        return at.isNull() ? QVariant() : QVariant(at.toDateTime());
    }
    case StageColumn:
        return e.currentStage();
    default:
        return displayValue(e, column);
    }
}

} // namespace Elevate::Models
