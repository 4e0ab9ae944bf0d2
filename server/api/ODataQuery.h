#pragma once

#include "Timestamp.h"

#include <QFlags>
#include <QList>
#include <QString>
#include <QStringList>
#include <QStringView>

#include <optional>
#include <utility>
#include <variant>
#include <vector>

class QUrl;
class QUrlQuery;

namespace Elevate::Server {

// Why a request's query options were refused. `code` is the Graph error code the HTTP layer
// puts in the error body (always BadRequest here); `message` is one sentence for the client;
// `kind` and `target` (the field, option or token concerned) let callers and tests branch
// without parsing the message.
struct ODataError
{
    enum class Kind {
        InvalidOption, // a query option that is unknown, repeated or has a malformed value
        Syntax, // a $filter that does not parse
        UnknownField, // a field the resource does not have or does not allow here
        UnsupportedOperator, // an operator or function this field or server does not support
        TypeMismatch, // a literal whose type does not fit the field
        LimitExceeded, // too long, too deep, too many items
    };

    QString code = QStringLiteral("BadRequest");
    QString message;
    Kind kind = Kind::InvalidOption;
    QString target;
};

// A value or the ODataError explaining why there is none (the server-side twin of core's
// Result, which carries codec errors).
template <typename T>
class ODataResult final
{
public:
    ODataResult(T value) // NOLINT(google-explicit-constructor): lets functions `return value;`
        : m_state(std::move(value))
    {
    }
    ODataResult(ODataError error) // NOLINT(google-explicit-constructor)
        : m_state(std::move(error))
    {
    }

    bool ok() const { return std::holds_alternative<T>(m_state); }
    explicit operator bool() const { return ok(); }

    const T& value() const& { return std::get<T>(m_state); }
    T&& value() && { return std::get<T>(std::move(m_state)); }
    const T* operator->() const { return &std::get<T>(m_state); }
    const T& operator*() const { return std::get<T>(m_state); }

    const ODataError& error() const { return std::get<ODataError>(m_state); }

private:
    std::variant<T, ODataError> m_state;
};

// Bounds that keep a hostile query cheap to parse and to run.
struct ODataLimits
{
    qint64 maxPageSize = 999; // a larger $top is clamped to this, not refused
    qsizetype maxFilterLength = 4096; // characters of the decoded $filter
    int maxDepth = 32; // nested parentheses, `not` and lambda bodies in $filter
    qsizetype maxInItems = 100; // values in one `in (...)` list
    qsizetype maxOrderByItems = 8;
    qsizetype maxSelectItems = 64;
    int maxExpandDepth = 3; // $expand=a($expand=b($expand=c))
    qsizetype maxSkipTokenLength = 2048;
};

// The filter operators. They double as flags so a field map can say which ones a field allows.
enum class FilterOperator : unsigned {
    Eq = 0x01,
    Ne = 0x02,
    Gt = 0x04,
    Ge = 0x08,
    Lt = 0x10,
    Le = 0x20,
    In = 0x40,
    StartsWith = 0x80,
};
Q_DECLARE_FLAGS(FilterOperators, FilterOperator)

// The OData spelling of an operator ("eq", "startswith").
QString filterOperatorName(FilterOperator op);

// A literal on the right-hand side of a $filter comparison.
struct FilterLiteral
{
    enum class Type { Null, Bool, Int, String, DateTime };

    Type type = Type::Null;
    bool boolValue = false;
    qint64 intValue = 0;
    QString stringValue;
    Timestamp dateTimeValue;

    static FilterLiteral null() { return {}; }
    static FilterLiteral fromBool(bool value);
    static FilterLiteral fromInt(qint64 value);
    static FilterLiteral fromString(QString value);
    static FilterLiteral fromDateTime(Timestamp value);

    friend bool operator==(const FilterLiteral&, const FilterLiteral&) = default;
};

// One node of a parsed $filter. And/Or hold two or more children, Not one. A Predicate applies
// `op` to the field `path` and `values` (one value, or the `in` list). Any is the lambda
// `path/any(var: body)`: `lambdaVariable` names the element and `children` holds the body, or
// is empty for `path/any()`. Paths inside a lambda body that start with its variable carry that
// variable in `variable` and the rest in `path`; `variable` is empty for the resource itself.
struct FilterNode
{
    enum class Kind { And, Or, Not, Predicate, Any };

    Kind kind = Kind::Predicate;
    FilterOperator op = FilterOperator::Eq;
    QString variable;
    QStringList path;
    QString lambdaVariable;
    QList<FilterLiteral> values;
    std::vector<FilterNode> children;
    qsizetype position = 0; // offset in the filter text, for messages

    friend bool operator==(const FilterNode&, const FilterNode&) = default;
};

// Parses one $filter expression (already percent-decoded) into a tree, enforcing the length,
// depth and `in` limits. Supported: eq ne gt ge lt le, and or not, in (...), startswith(f,'x'),
// parentheses, 'strings' ('' escapes a quote), unquoted ISO-8601 datetimes, integers,
// true/false/null, slash paths (initiatedBy/user/id) and collection/any(v: ...).
ODataResult<FilterNode> parseODataFilter(QStringView text, const ODataLimits& limits);

// One $orderby item: a slash path and its direction.
struct OrderByItem
{
    QString path;
    bool descending = false;
    friend bool operator==(const OrderByItem&, const OrderByItem&) = default;
};

// One $expand item, with the nested $select and $expand it may carry
// (`policy($expand=rules)`).
struct ExpandItem
{
    QString property;
    QStringList select;
    std::vector<ExpandItem> expand;
    friend bool operator==(const ExpandItem&, const ExpandItem&) = default;
};

// The validated OData system query options of one request. Parsing checks syntax and limits
// only; whether the fields exist is up to the resource (ODataSqlCompiler for $filter,
// $orderby and $select, checkExpand for $expand). Options without a '$' are ignored (they
// belong to the route); an unknown or repeated '$' option is an error.
struct ODataQuery final
{
    QString filterText; // the decoded $filter as received, empty if none
    std::optional<FilterNode> filter;
    std::optional<qint64> top; // already clamped to ODataLimits::maxPageSize
    qint64 skip = 0;
    QList<OrderByItem> orderBy;
    QStringList select; // empty = every property (also for $select=*)
    std::vector<ExpandItem> expand;
    bool count = false;
    QString skipToken; // opaque; the route that issued it decodes it

    // The page size to use: $top, or the caller's default when $top is absent.
    qint64 pageSize(qint64 defaultPageSize) const { return top.value_or(defaultPageSize); }

    static ODataResult<ODataQuery> fromUrl(const QUrl& url, const ODataLimits& limits = {});
    static ODataResult<ODataQuery> fromQuery(const QUrlQuery& query, const ODataLimits& limits = {});

    // Refuses $expand items that are not in `allowedPaths` ("policy", "policy/rules"). A nested
    // $select is left to the route that renders the expanded entity.
    std::optional<ODataError> checkExpand(const QStringList& allowedPaths) const;
};

} // namespace Elevate::Server

Q_DECLARE_OPERATORS_FOR_FLAGS(Elevate::Server::FilterOperators)
