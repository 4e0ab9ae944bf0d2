#include "EntityRepository.h"

#include "CacheDatabase.h"
#include "GraphCodec.h"

#include <QSqlQuery>

namespace Elevate::Cache {

namespace {

QVariant ticks(const Timestamp& t)
{
    return t.isNull() ? QVariant() : QVariant(qint64(t.ticks()));
}

template <typename E>
QVariant enumValue(E e)
{
    return QVariant(static_cast<int>(e));
}

// Per entity: its table, the filter/sort columns (in schema order) and their values.
template <typename T>
struct Traits;

template <>
struct Traits<RoleDefinition>
{
    static QString table() { return QStringLiteral("role_definitions"); }
    static QStringList columns()
    {
        return {QStringLiteral("display_name"), QStringLiteral("template_id"), QStringLiteral("is_built_in")};
    }
    static QVariantList values(const RoleDefinition& v) { return {v.displayName, v.templateId, v.isBuiltIn ? 1 : 0}; }
};

template <>
struct Traits<Eligibility>
{
    static QString table() { return QStringLiteral("eligibilities"); }
    static QStringList columns()
    {
        return {QStringLiteral("kind"),     QStringLiteral("principal_id"), QStringLiteral("role_definition_id"),
                QStringLiteral("group_id"), QStringLiteral("start_at"),     QStringLiteral("end_at")};
    }
    static QVariantList values(const Eligibility& v)
    {
        return {enumValue(v.kind), v.principalId,         v.roleDefinitionId,
                v.groupId,         ticks(v.startDateTime), ticks(v.endDateTime)};
    }
};

template <>
struct Traits<ActiveAssignment>
{
    static QString table() { return QStringLiteral("active_assignments"); }
    static QStringList columns()
    {
        return {QStringLiteral("kind"),     QStringLiteral("principal_id"),    QStringLiteral("role_definition_id"),
                QStringLiteral("group_id"), QStringLiteral("assignment_type"), QStringLiteral("start_at"),
                QStringLiteral("end_at")};
    }
    static QVariantList values(const ActiveAssignment& v)
    {
        return {enumValue(v.kind),           v.principalId,          v.roleDefinitionId, v.groupId,
                enumValue(v.assignmentType), ticks(v.startDateTime), ticks(v.endDateTime)};
    }
};

template <>
struct Traits<ScheduleRequest>
{
    static QString table() { return QStringLiteral("schedule_requests"); }
    static QStringList columns()
    {
        return {QStringLiteral("kind"),     QStringLiteral("status"),    QStringLiteral("principal_id"),
                QStringLiteral("role_definition_id"), QStringLiteral("group_id"), QStringLiteral("created_at")};
    }
    static QVariantList values(const ScheduleRequest& v)
    {
        return {enumValue(v.kind), enumValue(v.status), v.principalId, v.roleDefinitionId, v.groupId,
                ticks(v.createdDateTime)};
    }
};

template <>
struct Traits<Approval>
{
    static QString table() { return QStringLiteral("approvals"); }
    static QStringList columns() { return {QStringLiteral("actionable")}; }
    static QVariantList values(const Approval& v) { return {v.actionableStep() ? 1 : 0}; }
};

template <>
struct Traits<RolePolicyAssignment>
{
    static QString table() { return QStringLiteral("role_policies"); }
    static QStringList columns()
    {
        return {QStringLiteral("policy_id"), QStringLiteral("role_definition_id"), QStringLiteral("scope_id")};
    }
    static QVariantList values(const RolePolicyAssignment& v) { return {v.policyId, v.roleDefinitionId, v.scopeId}; }
};

template <>
struct Traits<AccessReviewDefinition>
{
    static QString table() { return QStringLiteral("review_definitions"); }
    static QStringList columns() { return {QStringLiteral("display_name"), QStringLiteral("status")}; }
    static QVariantList values(const AccessReviewDefinition& v) { return {v.displayName, enumValue(v.status)}; }
};

template <>
struct Traits<AccessReviewInstance>
{
    static QString table() { return QStringLiteral("review_instances"); }
    static QStringList columns()
    {
        return {QStringLiteral("status"), QStringLiteral("start_at"), QStringLiteral("end_at")};
    }
    static QVariantList values(const AccessReviewInstance& v)
    {
        return {enumValue(v.status), ticks(v.startDateTime), ticks(v.endDateTime)};
    }
};

template <>
struct Traits<ReviewDecision>
{
    static QString table() { return QStringLiteral("review_decisions"); }
    static QStringList columns()
    {
        return {QStringLiteral("decision"), QStringLiteral("recommendation"), QStringLiteral("principal_id"),
                QStringLiteral("principal_name")};
    }
    static QVariantList values(const ReviewDecision& v)
    {
        return {enumValue(v.decision), enumValue(v.recommendation), v.principal.id, v.principal.displayName};
    }
};

template <typename T>
QString insertSql()
{
    const QStringList columns = Traits<T>::columns();
    QString marks;
    for (int i = 0; i < columns.size(); ++i) {
        marks += QStringLiteral(", ?");
    }
    return QStringLiteral("INSERT OR REPLACE INTO %1 (scope, id, pos, %2, json) VALUES (?, ?, ?%3, ?)")
        .arg(Traits<T>::table(), columns.join(QStringLiteral(", ")), marks);
}

template <typename T>
QList<T> decodeRows(QSqlQuery& q, QString* error)
{
    QList<T> items;
    while (q.next()) {
        Result<T> item = GraphCodec::decode<T>(q.value(0).toByteArray());
        if (!item) {
            // A row this build cannot read (written by another version): skip it, the next
            // sync replaces it.
            *error = item.error().toString();
            continue;
        }
        items << std::move(item).value();
    }
    return items;
}

} // namespace

template <typename T>
bool EntityRepository<T>::insertRows(const QString& scope, const QList<T>& items, int firstPosition)
{
    SqliteConnection& c = m_db.connection();
    QSqlQuery q = c.prepare(insertSql<T>());
    int position = firstPosition;
    for (const T& item : items) {
        QVariantList values;
        values.reserve(Traits<T>::columns().size() + 4);
        values << scope << item.id << position++;
        values << Traits<T>::values(item);
        values << GraphCodec::encode(item);
        if (!c.execList(q, values)) {
            m_lastError = c.lastError();
            return false;
        }
    }
    return true;
}

template <typename T>
bool EntityRepository<T>::replaceCollection(const QString& scope, const QList<T>& items, const QString& collection,
                                            const Timestamp& when)
{
    SqliteConnection& c = m_db.connection();
    const bool ok = c.transaction([&] {
        QSqlQuery del = c.prepare(QStringLiteral("DELETE FROM %1 WHERE scope = ?").arg(Traits<T>::table()));
        if (!c.exec(del, {scope}) || !insertRows(scope, items, 0)) {
            return false;
        }
        return collection.isEmpty() || m_db.markSynced(collection, when);
    });
    if (!ok) {
        m_lastError = c.lastError();
    }
    return ok;
}

template <typename T>
bool EntityRepository<T>::upsert(const QString& scope, const QList<T>& items)
{
    SqliteConnection& c = m_db.connection();
    const bool ok = c.transaction([&] {
        const QVariant next = c.scalar(
            QStringLiteral("SELECT COALESCE(MAX(pos), -1) + 1 FROM %1 WHERE scope = ?").arg(Traits<T>::table()),
            {scope});
        QSqlQuery existing =
            c.prepare(QStringLiteral("SELECT pos FROM %1 WHERE scope = ? AND id = ?").arg(Traits<T>::table()));
        int position = next.toInt();
        for (const T& item : items) {
            // An item already present keeps its place in the list.
            int at = position;
            if (c.exec(existing, {scope, item.id}) && existing.next()) {
                at = existing.value(0).toInt();
            } else {
                ++position;
            }
            existing.finish();
            if (!insertRows(scope, {item}, at)) {
                return false;
            }
        }
        return true;
    });
    if (!ok) {
        m_lastError = c.lastError();
    }
    return ok;
}

template <typename T>
bool EntityRepository<T>::remove(const QString& scope, const QString& id)
{
    SqliteConnection& c = m_db.connection();
    QSqlQuery q = c.prepare(QStringLiteral("DELETE FROM %1 WHERE scope = ? AND id = ?").arg(Traits<T>::table()));
    return c.exec(q, {scope, id});
}

template <typename T>
QList<T> EntityRepository<T>::all(const QString& scope) const
{
    SqliteConnection& c = m_db.connection();
    QSqlQuery q = c.prepare(QStringLiteral("SELECT json FROM %1 WHERE scope = ? ORDER BY pos").arg(Traits<T>::table()));
    if (!c.exec(q, {scope})) {
        m_lastError = c.lastError();
        return {};
    }
    return decodeRows<T>(q, &m_lastError);
}

template <typename T>
QList<T> EntityRepository<T>::where(const QString& scope, const QString& column, const QVariant& value) const
{
    // Column names come from this build's schema, never from user text.
    if (!Traits<T>::columns().contains(column)) {
        m_lastError = QStringLiteral("no column %1 in %2").arg(column, Traits<T>::table());
        return {};
    }
    SqliteConnection& c = m_db.connection();
    QSqlQuery q = c.prepare(QStringLiteral("SELECT json FROM %1 WHERE scope = ? AND %2 = ? ORDER BY pos")
                                .arg(Traits<T>::table(), column));
    if (!c.exec(q, {scope, value})) {
        m_lastError = c.lastError();
        return {};
    }
    return decodeRows<T>(q, &m_lastError);
}

template <typename T>
std::optional<T> EntityRepository<T>::find(const QString& scope, const QString& id) const
{
    SqliteConnection& c = m_db.connection();
    QSqlQuery q = c.prepare(QStringLiteral("SELECT json FROM %1 WHERE scope = ? AND id = ?").arg(Traits<T>::table()));
    if (!c.exec(q, {scope, id})) {
        m_lastError = c.lastError();
        return std::nullopt;
    }
    QList<T> items = decodeRows<T>(q, &m_lastError);
    if (items.isEmpty()) {
        return std::nullopt;
    }
    return items.takeFirst();
}

template <typename T>
int EntityRepository<T>::count(const QString& scope) const
{
    return m_db.connection()
        .scalar(QStringLiteral("SELECT count(*) FROM %1 WHERE scope = ?").arg(Traits<T>::table()), {scope})
        .toInt();
}

template class EntityRepository<RoleDefinition>;
template class EntityRepository<Eligibility>;
template class EntityRepository<ActiveAssignment>;
template class EntityRepository<ScheduleRequest>;
template class EntityRepository<Approval>;
template class EntityRepository<RolePolicyAssignment>;
template class EntityRepository<AccessReviewDefinition>;
template class EntityRepository<AccessReviewInstance>;
template class EntityRepository<ReviewDecision>;

} // namespace Elevate::Cache
