#pragma once

#include "ODataQuery.h"

#include <QHash>
#include <QSet>
#include <QString>

#include <memory>

namespace Elevate::Server {

// How a field's values are stored and compared.
enum class FieldType {
    String, // compared exactly (binary), startswith allowed
    EnumString, // a Graph enum stored as text: compared case-insensitively, eq/ne/in only
    DateTime, // stored as ODataSqlCompiler::sqlDateTime() text, so text order is time order
    Bool, // stored as 0/1
    Int,
};

// Where one OData field lives in SQL. `column` is a trusted SQL expression written by the
// route (a column or a function call; wrap anything with operators in parentheses): it is
// pasted into the SQL, so it must never come from a request.
struct FieldMapping
{
    QString column;
    FieldType type = FieldType::String;
    FilterOperators operators;
};

struct CollectionMapping;

// The OData view of one resource's table: which field paths a request may filter and sort on
// ("activityDateTime", "initiatedBy/user/id"), which collections take a lambda
// ("targetResources"), and which properties $select may name. Built once per route, in code.
class ODataFieldMap final
{
public:
    // Every operator that makes sense for the type.
    static FilterOperators defaultOperators(FieldType type);

    ODataFieldMap& addField(const QString& path, const QString& column, FieldType type);
    // Restricts the field to `operators` (those that do not fit the type are dropped), e.g.
    // activityDisplayName to eq and startswith as Graph documents it.
    ODataFieldMap& addField(const QString& path, const QString& column, FieldType type, FilterOperators operators);

    // A collection filtered with path/any(v: ...). `existsTemplate` is a trusted SQL EXISTS
    // subquery correlated with the outer row, with %1 where the element predicate goes:
    //   EXISTS (SELECT 1 FROM audit_targets AS tr WHERE tr.audit_id = audit.id AND %1)
    // `element` maps the element's own fields (t/id -> "id") to columns of that subquery.
    // Neither may contain '?' placeholders: bindings come only from the compiled predicate.
    ODataFieldMap& addCollection(const QString& path, const QString& existsTemplate, const ODataFieldMap& element);

    // A property $select may name that is neither filterable nor a field's first segment.
    ODataFieldMap& addSelectable(const QString& property);

    // Lookups return nullptr for unknown paths; the pointers live as long as the map is not
    // changed.
    const FieldMapping* field(const QString& path) const;
    const CollectionMapping* collection(const QString& path) const;
    // True for mapped top-level properties: addSelectable names and first segments of fields
    // and collections ("initiatedBy" for "initiatedBy/user/id").
    bool isSelectable(const QString& property) const;

private:
    QHash<QString, FieldMapping> m_fields;
    QHash<QString, std::shared_ptr<const CollectionMapping>> m_collections;
    QSet<QString> m_selectable;
};

// A lambda collection: the EXISTS template and the element's field map (see addCollection).
struct CollectionMapping
{
    QString existsTemplate;
    ODataFieldMap element;
};

} // namespace Elevate::Server
