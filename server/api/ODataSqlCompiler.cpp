#include "ODataSqlCompiler.h"

#include "SqlTime.h"

#include <chrono>

namespace Elevate::Server {

namespace {

QString quoted(const QString& text)
{
    return u'\'' + text + u'\'';
}

// Thrown inside the compiler only and caught at its boundary.
struct CompileFailure
{
    ODataError error;
};

[[noreturn]] void fail(ODataError::Kind kind, QString message, QString target)
{
    ODataError error;
    error.kind = kind;
    error.message = std::move(message);
    error.target = std::move(target);
    throw CompileFailure{ std::move(error) };
}

QString typeName(FieldType type)
{
    switch (type) {
    case FieldType::String:
        return QStringLiteral("a string");
    case FieldType::EnumString:
        return QStringLiteral("an enumeration (a quoted name)");
    case FieldType::DateTime:
        return QStringLiteral("a date and time");
    case FieldType::Bool:
        return QStringLiteral("a Boolean");
    case FieldType::Int:
        return QStringLiteral("an integer");
    }
    return {};
}

QString literalName(FilterLiteral::Type type)
{
    switch (type) {
    case FilterLiteral::Type::Null:
        return QStringLiteral("null");
    case FilterLiteral::Type::Bool:
        return QStringLiteral("true or false");
    case FilterLiteral::Type::Int:
        return QStringLiteral("an integer");
    case FilterLiteral::Type::String:
        return QStringLiteral("a string");
    case FilterLiteral::Type::DateTime:
        return QStringLiteral("a date and time");
    }
    return {};
}

QString sqlOperator(FilterOperator op)
{
    switch (op) {
    case FilterOperator::Eq:
        return QStringLiteral(" = ?");
    case FilterOperator::Ne:
        return QStringLiteral(" <> ?");
    case FilterOperator::Gt:
        return QStringLiteral(" > ?");
    case FilterOperator::Ge:
        return QStringLiteral(" >= ?");
    case FilterOperator::Lt:
        return QStringLiteral(" < ?");
    case FilterOperator::Le:
        return QStringLiteral(" <= ?");
    case FilterOperator::In:
    case FilterOperator::StartsWith:
        break;
    }
    Q_UNREACHABLE();
    return {};
}

// Qt's SQL drivers bind a null QString as SQL NULL; a string literal is never NULL, not even ''.
QVariant textBinding(const QString& text)
{
    return text.isNull() ? QVariant(QStringLiteral("")) : QVariant(text);
}

// The smallest string above every string that starts with `prefix` in code point order (which
// is SQLite's BINARY order over UTF-8): the prefix with its last code point incremented. None
// exists when every code point is already U+10FFFF.
std::optional<QString> prefixUpperBound(const QString& prefix)
{
    QList<uint> codePoints = prefix.toUcs4();
    while (!codePoints.isEmpty()) {
        const uint last = codePoints.takeLast();
        if (last < 0x10FFFF) {
            uint next = last + 1;
            if (next >= 0xD800 && next <= 0xDFFF) {
                next = 0xE000;
            }
            codePoints.append(next);
            QString bound;
            for (const uint codePoint : std::as_const(codePoints)) {
                if (QChar::requiresSurrogates(codePoint)) {
                    bound += QChar(QChar::highSurrogate(codePoint));
                    bound += QChar(QChar::lowSurrogate(codePoint));
                } else {
                    bound += QChar(static_cast<char16_t>(codePoint));
                }
            }
            return bound;
        }
    }
    return std::nullopt;
}

// The SQL of one compiled node and whether it can evaluate to NULL (which matters only under
// NOT: SQL's NOT NULL drops the row, OData's `not` of a false comparison keeps it).
struct Compiled
{
    QString sql;
    bool nullable = true;
};

struct Scope
{
    QString variable; // empty for the resource itself
    const ODataFieldMap* fields = nullptr;
    QString collection; // the collection path, for messages
};

class FilterCompiler final
{
public:
    explicit FilterCompiler(const ODataFieldMap& root) { m_scopes.append(Scope{ QString(), &root, QString() }); }

    SqlFragment run(const FilterNode& node)
    {
        SqlFragment fragment;
        fragment.sql = compile(node).sql;
        fragment.bindings = std::move(m_bindings);
        return fragment;
    }

private:
    Compiled compile(const FilterNode& node)
    {
        switch (node.kind) {
        case FilterNode::Kind::And:
        case FilterNode::Kind::Or:
            return compileChain(node);
        case FilterNode::Kind::Not: {
            const Compiled inner = compile(node.children.front());
            if (inner.nullable) {
                return { QStringLiteral("NOT COALESCE(") + inner.sql + QStringLiteral(", FALSE)"), false };
            }
            return { QStringLiteral("NOT (") + inner.sql + u')', false };
        }
        case FilterNode::Kind::Predicate:
            return compilePredicate(node);
        case FilterNode::Kind::Any:
            return compileAny(node);
        }
        Q_UNREACHABLE();
        return {};
    }

    Compiled compileChain(const FilterNode& node)
    {
        const QString separator = node.kind == FilterNode::Kind::And ? QStringLiteral(" AND ") : QStringLiteral(" OR ");
        Compiled result{ QStringLiteral("("), false };
        bool first = true;
        for (const FilterNode& child : node.children) {
            const Compiled compiled = compile(child);
            if (!first) {
                result.sql += separator;
            }
            first = false;
            result.sql += compiled.sql;
            result.nullable = result.nullable || compiled.nullable;
        }
        result.sql += u')';
        return result;
    }

    // By value: compileAny appends to m_scopes, which would invalidate a reference.
    Scope scopeOf(const FilterNode& node) const
    {
        if (!node.variable.isEmpty()) {
            for (auto it = m_scopes.crbegin(); it != m_scopes.crend(); ++it) {
                if (it->variable == node.variable) {
                    return *it;
                }
            }
        }
        return m_scopes.front();
    }

    static QString displayPath(const FilterNode& node)
    {
        const QString path = node.path.join(u'/');
        return node.variable.isEmpty() ? path : node.variable + u'/' + path;
    }

    [[noreturn]] void unknown(const FilterNode& node, const Scope& scope) const
    {
        const QString path = node.path.join(u'/');
        if (scope.collection.isEmpty()) {
            fail(
                ODataError::Kind::UnknownField, QStringLiteral("Unknown field %1 in $filter.").arg(quoted(path)), path);
        }
        fail(ODataError::Kind::UnknownField,
             QStringLiteral("Unknown field %1: %2 has no field %3.")
                 .arg(quoted(displayPath(node)), quoted(scope.collection), quoted(path)),
             scope.collection + u'/' + path);
    }

    // The value to bind for `literal` compared with `field`, or a type error.
    static QVariant bindingFor(const FieldMapping& field, const FilterLiteral& literal, const QString& path)
    {
        switch (field.type) {
        case FieldType::String:
            if (literal.type == FilterLiteral::Type::String) {
                return textBinding(literal.stringValue);
            }
            break;
        case FieldType::EnumString:
            if (literal.type == FilterLiteral::Type::String) {
                return textBinding(literal.stringValue.toLower());
            }
            break;
        case FieldType::DateTime:
            if (literal.type == FilterLiteral::Type::DateTime) {
                return ODataSqlCompiler::sqlDateTime(literal.dateTimeValue);
            }
            if (literal.type == FilterLiteral::Type::String) {
                fail(ODataError::Kind::TypeMismatch,
                     QStringLiteral("Field %1 is a date and time: write it unquoted in UTC, e.g. "
                                    "%2 ge 2024-05-01T00:00:00Z.")
                         .arg(quoted(path), path),
                     path);
            }
            break;
        case FieldType::Bool:
            if (literal.type == FilterLiteral::Type::Bool) {
                return literal.boolValue;
            }
            break;
        case FieldType::Int:
            if (literal.type == FilterLiteral::Type::Int) {
                return literal.intValue;
            }
            break;
        }
        fail(ODataError::Kind::TypeMismatch,
             QStringLiteral("Field %1 is %2 and cannot be compared with %3.")
                 .arg(quoted(path), typeName(field.type), literalName(literal.type)),
             path);
    }

    Compiled compilePredicate(const FilterNode& node)
    {
        const Scope scope = scopeOf(node);
        const QString key = node.path.join(u'/');
        const QString path = displayPath(node);
        const FieldMapping* field = scope.fields->field(key);
        if (!field) {
            if (scope.fields->collection(key)) {
                fail(ODataError::Kind::UnsupportedOperator,
                     QStringLiteral("%1 is a collection: filter it with %2/any(x: x/… eq …).").arg(quoted(path), path),
                     path);
            }
            unknown(node, scope);
        }
        if (!field->operators.testFlag(node.op)) {
            fail(ODataError::Kind::UnsupportedOperator,
                 QStringLiteral("The operator %1 is not supported on field %2.")
                     .arg(quoted(filterOperatorName(node.op)), quoted(path)),
                 path);
        }
        const QString& column = field->column;
        const QString compared
            = field->type == FieldType::EnumString ? QStringLiteral("lower(") + column + u')' : column;

        if (node.op == FilterOperator::StartsWith) {
            const FilterLiteral& prefix = node.values.front();
            if (prefix.type != FilterLiteral::Type::String) {
                fail(ODataError::Kind::TypeMismatch,
                     QStringLiteral("startswith needs a quoted string, not %1.").arg(literalName(prefix.type)),
                     path);
            }
            if (prefix.stringValue.isEmpty()) {
                return { column + QStringLiteral(" IS NOT NULL"), false };
            }
            m_bindings.append(textBinding(prefix.stringValue));
            const std::optional<QString> upper = prefixUpperBound(prefix.stringValue);
            if (!upper) {
                return { column + QStringLiteral(" >= ?"), true };
            }
            m_bindings.append(*upper);
            return { u'(' + column + QStringLiteral(" >= ? AND ") + column + QStringLiteral(" < ?)"), true };
        }

        if (node.op == FilterOperator::In) {
            QStringList placeholders;
            bool withNull = false;
            for (const FilterLiteral& value : node.values) {
                if (value.type == FilterLiteral::Type::Null) {
                    withNull = true;
                    continue;
                }
                m_bindings.append(bindingFor(*field, value, path));
                placeholders.append(QStringLiteral("?"));
            }
            if (placeholders.isEmpty()) {
                return { column + QStringLiteral(" IS NULL"), false };
            }
            const QString in = compared + QStringLiteral(" IN (") + placeholders.join(QStringLiteral(", ")) + u')';
            if (withNull) {
                return { u'(' + in + QStringLiteral(" OR ") + column + QStringLiteral(" IS NULL)"), false };
            }
            return { in, true };
        }

        const FilterLiteral& value = node.values.front();
        if (value.type == FilterLiteral::Type::Null) {
            if (node.op == FilterOperator::Eq) {
                return { column + QStringLiteral(" IS NULL"), false };
            }
            if (node.op == FilterOperator::Ne) {
                return { column + QStringLiteral(" IS NOT NULL"), false };
            }
            fail(ODataError::Kind::TypeMismatch,
                 QStringLiteral("null can only be compared with eq or ne (field %1).").arg(quoted(path)),
                 path);
        }
        m_bindings.append(bindingFor(*field, value, path));
        if (node.op == FilterOperator::Ne) {
            // OData: a NULL field is "not equal" to any value.
            return { u'(' + compared + QStringLiteral(" <> ? OR ") + column + QStringLiteral(" IS NULL)"), false };
        }
        return { compared + sqlOperator(node.op), true };
    }

    Compiled compileAny(const FilterNode& node)
    {
        const Scope scope = scopeOf(node);
        const QString key = node.path.join(u'/');
        const QString path = displayPath(node);
        const CollectionMapping* collection = scope.fields->collection(key);
        if (!collection) {
            if (scope.fields->field(key)) {
                fail(ODataError::Kind::UnsupportedOperator,
                     QStringLiteral("%1 is not a collection, so any does not apply to it.").arg(quoted(path)),
                     path);
            }
            unknown(node, scope);
        }
        QString predicate = QStringLiteral("TRUE");
        if (!node.children.empty()) {
            m_scopes.append(Scope{ node.lambdaVariable, &collection->element, path });
            predicate = compile(node.children.front()).sql;
            m_scopes.removeLast();
        }
        // The template is trusted route code; only our own SQL goes into it.
        return { collection->existsTemplate.arg(predicate), false };
    }

    QList<Scope> m_scopes;
    QVariantList m_bindings;
};

} // namespace

ODataSqlCompiler::ODataSqlCompiler(ODataFieldMap fields)
    : m_fields(std::move(fields))
{
}

ODataResult<SqlFragment> ODataSqlCompiler::compileFilter(const FilterNode& filter) const
{
    try {
        FilterCompiler compiler(m_fields);
        return compiler.run(filter);
    } catch (const CompileFailure& failure) {
        return failure.error;
    }
}

ODataResult<QString> ODataSqlCompiler::compileOrderBy(const QList<OrderByItem>& items) const
{
    QStringList terms;
    for (const OrderByItem& item : items) {
        const FieldMapping* field = m_fields.field(item.path);
        if (!field) {
            ODataError error;
            error.kind = ODataError::Kind::UnknownField;
            error.message = m_fields.collection(item.path)
                ? QStringLiteral("Cannot sort by the collection %1.").arg(quoted(item.path))
                : QStringLiteral("Unknown field %1 in $orderby.").arg(quoted(item.path));
            error.target = item.path;
            return error;
        }
        // Enumerations sort case-insensitively, as they compare.
        const QString column
            = field->type == FieldType::EnumString ? QStringLiteral("lower(") + field->column + u')' : field->column;
        terms.append(column + (item.descending ? QStringLiteral(" DESC") : QStringLiteral(" ASC")));
    }
    return terms.join(QStringLiteral(", "));
}

std::optional<ODataError> ODataSqlCompiler::checkSelect(const QStringList& properties) const
{
    for (const QString& property : properties) {
        if (!m_fields.isSelectable(property)) {
            ODataError error;
            error.kind = ODataError::Kind::UnknownField;
            error.message = QStringLiteral("Could not find a property named %1 for $select.").arg(quoted(property));
            error.target = property;
            return error;
        }
    }
    return std::nullopt;
}

QString ODataSqlCompiler::sqlDateTime(const Timestamp& timestamp)
{
    // One formatter for the whole server: the columns are written with the same function.
    return toSqlTime(timestamp);
}

} // namespace Elevate::Server
