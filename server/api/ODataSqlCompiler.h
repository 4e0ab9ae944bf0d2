#pragma once

#include "ODataFieldMap.h"
#include "ODataQuery.h"
#include "Timestamp.h"

#include <QString>
#include <QStringList>
#include <QVariantList>

#include <optional>

namespace Elevate::Server {

// A piece of SQL with positional '?' placeholders and the values to bind to them, in order
// (QSqlQuery::addBindValue). The SQL holds only text from the field map and fixed keywords;
// every value from the request is in `bindings`.
struct SqlFragment
{
    QString sql;
    QVariantList bindings;
    friend bool operator==(const SqlFragment&, const SqlFragment&) = default;
};

// Turns a parsed $filter, $orderby and $select into SQL over one resource's ODataFieldMap.
// Unknown fields, operators a field does not allow and literals of the wrong type are
// BadRequest errors naming the field. Semantics follow OData where SQL differs:
//  - `ne` and `not` treat a NULL column as "not equal" (SQL would drop the row);
//  - `eq null` / `ne null` become IS NULL / IS NOT NULL;
//  - EnumString compares lower-cased (the binding is lower-cased too);
//  - startswith is an exact, index-friendly prefix range (col >= 'p' AND col < 'q'), not LIKE,
//    so '%' and '_' mean themselves and case matters as it does for eq;
//  - datetimes are bound as sqlDateTime() text, so the column must be stored that way.
// The compiler is immutable and can be shared between threads.
class ODataSqlCompiler final
{
public:
    explicit ODataSqlCompiler(ODataFieldMap fields);

    // A boolean SQL expression, parenthesised where needed so it can follow AND or WHERE.
    ODataResult<SqlFragment> compileFilter(const FilterNode& filter) const;
    // "col1 DESC, col2 ASC" (without the ORDER BY keyword, so the caller can append its
    // tie-breaker for stable paging); empty for no items.
    ODataResult<QString> compileOrderBy(const QList<OrderByItem>& items) const;
    // Refuses properties the resource does not have.
    std::optional<ODataError> checkSelect(const QStringList& properties) const;

    // The fixed-width UTC text a DateTime column stores and a datetime literal binds to:
    // "YYYY-MM-DDThh:mm:ss.fffffffZ", always seven fractional digits, so that comparing the text
    // compares the instants (Timestamp::toIso trims the fraction, which breaks text order:
    // "…:00.5Z" sorts before "…:00Z"). Empty for a null timestamp.
    static QString sqlDateTime(const Timestamp& timestamp);

    const ODataFieldMap& fields() const { return m_fields; }

private:
    ODataFieldMap m_fields;
};

} // namespace Elevate::Server
