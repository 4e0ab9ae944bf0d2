#include "ODataQuery.h"

#include <QUrl>
#include <QUrlQuery>

#include <limits>

namespace Elevate::Server {

namespace {

// Client text quoted back in a message is cut short: the message goes into a JSON error body
// and the log, and a 4 KiB filter does not belong in either.
QString quoted(QStringView text)
{
    constexpr qsizetype MaxQuoted = 64;
    if (text.size() > MaxQuoted) {
        return u'\'' + text.left(MaxQuoted).toString() + QStringLiteral("…'");
    }
    return u'\'' + text.toString() + u'\'';
}

ODataError makeError(ODataError::Kind kind, QString message, QString target = {})
{
    ODataError error;
    error.kind = kind;
    error.message = std::move(message);
    error.target = std::move(target);
    return error;
}

// Thrown inside the parser only and caught at its boundary, so no caller sees an exception.
struct ParseFailure
{
    ODataError error;
};

[[noreturn]] void fail(ODataError::Kind kind, QString message, QString target = {})
{
    throw ParseFailure{ makeError(kind, std::move(message), std::move(target)) };
}

QString at(qsizetype position)
{
    return QStringLiteral(" at character %1").arg(position + 1);
}

bool isIdentifierStart(QChar c)
{
    return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || c == u'_';
}

bool isIdentifierPart(QChar c)
{
    return isIdentifierStart(c) || (c >= u'0' && c <= u'9');
}

bool isDigit(QChar c)
{
    return c >= u'0' && c <= u'9';
}

bool isIdentifier(QStringView text)
{
    if (text.isEmpty() || !isIdentifierStart(text.front())) {
        return false;
    }
    for (const QChar c : text) {
        if (!isIdentifierPart(c)) {
            return false;
        }
    }
    return true;
}

// A slash path of identifiers: "activityDateTime", "initiatedBy/user/id".
bool isPath(QStringView text)
{
    if (text.isEmpty()) {
        return false;
    }
    for (const QStringView segment : text.split(u'/')) {
        if (!isIdentifier(segment)) {
            return false;
        }
    }
    return true;
}

// ---- $filter lexer ------------------------------------------------------------------------

struct Token
{
    enum class Type { End, Identifier, String, Integer, DateTime, LeftParen, RightParen, Comma, Colon, Slash };

    Type type = Type::End;
    QString text; // identifier name or decoded string
    qint64 intValue = 0;
    Timestamp dateTimeValue;
    qsizetype position = 0;
    bool spaceBefore = false; // whitespace separates it from the previous token
};

// Characters that may continue a number or datetime literal once it has started with a digit.
bool isLiteralPart(QChar c)
{
    return isIdentifierPart(c) || c == u'-' || c == u':' || c == u'.' || c == u'+';
}

bool parseInteger(QStringView text, qint64& out)
{
    bool ok = false;
    out = text.toLongLong(&ok, 10);
    return ok;
}

QList<Token> tokenize(QStringView text)
{
    QList<Token> tokens;
    qsizetype pos = 0;
    bool space = false;
    while (pos < text.size()) {
        const QChar c = text[pos];
        if (c == u' ' || c == u'\t' || c == u'\r' || c == u'\n') {
            ++pos;
            space = true;
            continue;
        }
        Token token;
        token.position = pos;
        token.spaceBefore = space;
        space = false;
        if (c == u'(' || c == u')' || c == u',' || c == u':' || c == u'/') {
            token.type = c == u'(' ? Token::Type::LeftParen
                : c == u')'        ? Token::Type::RightParen
                : c == u','        ? Token::Type::Comma
                : c == u':'        ? Token::Type::Colon
                                   : Token::Type::Slash;
            ++pos;
        } else if (c == u'\'') {
            // OData string literal: a doubled quote stands for one quote. Start from a non-null
            // empty string: a null QString would be bound as SQL NULL, and '' must match ''.
            token.text = QStringLiteral("");
            ++pos;
            bool closed = false;
            while (pos < text.size()) {
                if (text[pos] == u'\'') {
                    if (pos + 1 < text.size() && text[pos + 1] == u'\'') {
                        token.text += u'\'';
                        pos += 2;
                        continue;
                    }
                    ++pos;
                    closed = true;
                    break;
                }
                token.text += text[pos];
                ++pos;
            }
            if (!closed) {
                fail(ODataError::Kind::Syntax,
                     QStringLiteral("Unterminated string literal starting") + at(token.position) + u'.');
            }
            token.type = Token::Type::String;
        } else if (isIdentifierStart(c)) {
            const qsizetype start = pos;
            while (pos < text.size() && isIdentifierPart(text[pos])) {
                ++pos;
            }
            token.type = Token::Type::Identifier;
            token.text = text.sliced(start, pos - start).toString();
        } else if (isDigit(c) || (c == u'-' && pos + 1 < text.size() && isDigit(text[pos + 1]))) {
            const qsizetype start = pos;
            ++pos;
            while (pos < text.size() && isLiteralPart(text[pos])) {
                ++pos;
            }
            const QStringView literal = text.sliced(start, pos - start);
            bool allDigits = true;
            for (const QChar d : literal.sliced(c == u'-' ? 1 : 0)) {
                allDigits = allDigits && isDigit(d);
            }
            if (allDigits) {
                if (!parseInteger(literal, token.intValue)) {
                    fail(ODataError::Kind::Syntax,
                         QStringLiteral("Integer %1 is out of range").arg(quoted(literal)) + at(start) + u'.');
                }
                token.type = Token::Type::Integer;
            } else if (const auto timestamp = Timestamp::fromIso(literal)) {
                token.type = Token::Type::DateTime;
                token.dateTimeValue = *timestamp;
            } else {
                fail(
                    ODataError::Kind::Syntax,
                    QStringLiteral("Invalid literal %1").arg(quoted(literal)) + at(start)
                        + QStringLiteral("; expected an integer or a UTC date and time such as 2024-05-01T00:00:00Z."));
            }
            token.text = literal.toString();
        } else {
            fail(ODataError::Kind::Syntax,
                 QStringLiteral("Unexpected character %1").arg(quoted(text.sliced(pos, 1))) + at(pos) + u'.');
        }
        tokens.append(token);
    }
    Token end;
    end.position = text.size();
    tokens.append(end);
    return tokens;
}

// ---- $filter parser -----------------------------------------------------------------------

std::optional<FilterOperator> comparisonOperator(const QString& word)
{
    if (word == u"eq") {
        return FilterOperator::Eq;
    }
    if (word == u"ne") {
        return FilterOperator::Ne;
    }
    if (word == u"gt") {
        return FilterOperator::Gt;
    }
    if (word == u"ge") {
        return FilterOperator::Ge;
    }
    if (word == u"lt") {
        return FilterOperator::Lt;
    }
    if (word == u"le") {
        return FilterOperator::Le;
    }
    return std::nullopt;
}

// OData operators and functions outside the subset: named in the error so the client learns
// the operator exists but this server does not take it.
bool isKnownUnsupportedOperator(const QString& word)
{
    static const QStringList words
        = { QStringLiteral("has"), QStringLiteral("add"),   QStringLiteral("sub"), QStringLiteral("mul"),
            QStringLiteral("div"), QStringLiteral("divby"), QStringLiteral("mod") };
    return words.contains(word);
}

// Grammar (lowest precedence first):
//   or      := and ('or' and)*
//   and     := unary ('and' unary)*
//   unary   := 'not' unary | primary
//   primary := '(' or ')' | 'startswith' '(' path ',' literal ')' | path lambda
//            | path op literal | path 'in' '(' literal (',' literal)* ')'
//   lambda  := '/' 'any' '(' [ identifier ':' or ] ')'
// `not` takes a whole comparison (`not a eq 1` is `not (a eq 1)`), which is what people mean.
class FilterParser final
{
public:
    FilterParser(QList<Token> tokens, const ODataLimits& limits)
        : m_tokens(std::move(tokens))
        , m_limits(limits)
    {
    }

    FilterNode parse()
    {
        FilterNode root = parseOr();
        if (peek().type != Token::Type::End) {
            const Token& extra = peek();
            if (extra.type == Token::Type::RightParen) {
                fail(ODataError::Kind::Syntax, QStringLiteral("Unbalanced ')'") + at(extra.position) + u'.');
            }
            fail(ODataError::Kind::Syntax,
                 QStringLiteral("Expected 'and', 'or' or the end of the filter") + at(extra.position) + u'.');
        }
        return root;
    }

private:
    const Token& peek(qsizetype ahead = 0) const { return m_tokens[qMin(m_pos + ahead, m_tokens.size() - 1)]; }

    const Token& advance()
    {
        const Token& token = m_tokens[m_pos];
        if (m_pos < m_tokens.size() - 1) {
            ++m_pos;
        }
        return token;
    }

    bool peekWord(QStringView word, qsizetype ahead = 0) const
    {
        const Token& token = peek(ahead);
        return token.type == Token::Type::Identifier && token.text == word;
    }

    void expect(Token::Type type, QStringView what)
    {
        if (peek().type != type) {
            if (peek().type == Token::Type::End && type == Token::Type::RightParen) {
                fail(ODataError::Kind::Syntax, QStringLiteral("Unbalanced '(': missing ')' at the end of the filter."));
            }
            fail(ODataError::Kind::Syntax, QStringLiteral("Expected %1").arg(what) + at(peek().position) + u'.');
        }
        advance();
    }

    // Every nesting construct goes through here, so recursion depth is bounded by the limit.
    void enter(qsizetype position)
    {
        if (++m_depth > m_limits.maxDepth) {
            fail(ODataError::Kind::LimitExceeded,
                 QStringLiteral("The filter is nested more than %1 levels deep").arg(m_limits.maxDepth) + at(position)
                     + u'.');
        }
    }

    void leave() { --m_depth; }

    FilterNode parseOr() { return parseChain(u"or", FilterNode::Kind::Or); }

    FilterNode parseAnd() { return parseChain(u"and", FilterNode::Kind::And); }

    // a op b op c becomes one node with three children rather than a left-deep tree, so a long
    // chain neither deepens recursion nor nests parentheses in the SQL.
    FilterNode parseChain(QStringView word, FilterNode::Kind kind)
    {
        const qsizetype position = peek().position;
        FilterNode first = kind == FilterNode::Kind::Or ? parseAnd() : parseUnary();
        if (!peekWord(word)) {
            return first;
        }
        FilterNode node;
        node.kind = kind;
        node.position = position;
        node.children.push_back(std::move(first));
        while (peekWord(word)) {
            advance();
            node.children.push_back(kind == FilterNode::Kind::Or ? parseAnd() : parseUnary());
        }
        return node;
    }

    FilterNode parseUnary()
    {
        if (peekWord(u"not")) {
            const qsizetype position = advance().position;
            enter(position);
            FilterNode node;
            node.kind = FilterNode::Kind::Not;
            node.position = position;
            node.children.push_back(parseUnary());
            leave();
            return node;
        }
        return parsePrimary();
    }

    FilterNode parsePrimary()
    {
        const Token& token = peek();
        if (token.type == Token::Type::LeftParen) {
            advance();
            enter(token.position);
            FilterNode inner = parseOr();
            expect(Token::Type::RightParen, QStringLiteral("')'"));
            leave();
            return inner;
        }
        if (token.type != Token::Type::Identifier) {
            if (token.type == Token::Type::End) {
                fail(ODataError::Kind::Syntax, QStringLiteral("The filter ends where a condition was expected."));
            }
            if (token.type == Token::Type::RightParen) {
                if (m_depth > 0) {
                    fail(ODataError::Kind::Syntax,
                         QStringLiteral("Expected a condition before ')'") + at(token.position) + u'.');
                }
                fail(ODataError::Kind::Syntax, QStringLiteral("Unbalanced ')'") + at(token.position) + u'.');
            }
            fail(ODataError::Kind::Syntax,
                 QStringLiteral("Expected a field name, '(' or 'not'") + at(token.position) + u'.');
        }
        if (peek(1).type == Token::Type::LeftParen) {
            return parseFunction();
        }
        if (token.text == u"and" || token.text == u"or") {
            fail(ODataError::Kind::Syntax,
                 QStringLiteral("%1 needs a condition on its left").arg(quoted(token.text)) + at(token.position)
                     + u'.');
        }
        return parseComparisonOrLambda();
    }

    FilterNode parseFunction()
    {
        const Token name = advance();
        if (name.text != u"startswith") {
            fail(ODataError::Kind::UnsupportedOperator,
                 QStringLiteral("The function %1 is not supported; use startswith, eq, ne, gt, ge, lt, le or in")
                         .arg(quoted(name.text))
                     + at(name.position) + u'.',
                 name.text);
        }
        enter(name.position);
        expect(Token::Type::LeftParen, QStringLiteral("'('"));
        FilterNode node;
        node.kind = FilterNode::Kind::Predicate;
        node.op = FilterOperator::StartsWith;
        node.position = name.position;
        if (peek().type != Token::Type::Identifier) {
            fail(ODataError::Kind::Syntax,
                 QStringLiteral("startswith takes a field name first") + at(peek().position) + u'.');
        }
        readPath(node);
        if (peek().type == Token::Type::LeftParen) {
            fail(ODataError::Kind::UnsupportedOperator,
                 QStringLiteral("Lambda operators are not allowed inside startswith") + at(peek().position) + u'.');
        }
        expect(Token::Type::Comma, QStringLiteral("',' after the field name in startswith"));
        node.values.append(parseLiteral());
        expect(Token::Type::RightParen, QStringLiteral("')' to close startswith"));
        leave();
        return node;
    }

    // Reads identifier ('/' identifier)*, stopping before "/any(" or "/all(" and leaving that
    // to the caller. Resolves a leading lambda variable. A path has no spaces around its '/'.
    void readPath(FilterNode& node)
    {
        QStringList segments{ advance().text };
        while (peek().type == Token::Type::Slash) {
            if (peek(1).type == Token::Type::Identifier && peek(2).type == Token::Type::LeftParen) {
                break;
            }
            advance();
            if (peek().type != Token::Type::Identifier || peek().spaceBefore) {
                fail(ODataError::Kind::Syntax,
                     QStringLiteral("Expected a field name after '/'") + at(peek().position) + u'.');
            }
            segments.append(advance().text);
        }
        if (m_variables.contains(segments.front())) {
            node.variable = segments.takeFirst();
        }
        node.path = segments;
    }

    FilterNode parseComparisonOrLambda()
    {
        FilterNode node;
        node.position = peek().position;
        readPath(node);
        if (peek().type == Token::Type::Slash) {
            return parseLambda(std::move(node));
        }
        if (node.path.isEmpty()) {
            fail(ODataError::Kind::Syntax,
                 QStringLiteral("The lambda variable %1 needs a field (%1/id)").arg(quoted(node.variable))
                     + at(node.position) + u'.');
        }
        const Token& opToken = peek();
        if (opToken.type != Token::Type::Identifier) {
            fail(ODataError::Kind::Syntax,
                 QStringLiteral("Expected an operator (eq, ne, gt, ge, lt, le, in) after %1")
                         .arg(quoted(node.path.join(u'/')))
                     + at(opToken.position) + u'.');
        }
        advance();
        node.kind = FilterNode::Kind::Predicate;
        if (const auto op = comparisonOperator(opToken.text)) {
            node.op = *op;
            node.values.append(parseLiteral());
            return node;
        }
        if (opToken.text == u"in") {
            node.op = FilterOperator::In;
            parseInList(node);
            return node;
        }
        if (isKnownUnsupportedOperator(opToken.text)) {
            fail(ODataError::Kind::UnsupportedOperator,
                 QStringLiteral("The operator %1 is not supported").arg(quoted(opToken.text)) + at(opToken.position)
                     + u'.',
                 opToken.text);
        }
        fail(ODataError::Kind::UnsupportedOperator,
             QStringLiteral("Unknown operator %1; use eq, ne, gt, ge, lt, le or in").arg(quoted(opToken.text))
                 + at(opToken.position) + u'.',
             opToken.text);
    }

    FilterNode parseLambda(FilterNode node)
    {
        advance(); // '/'
        const Token name = advance();
        if (name.text != u"any") {
            fail(ODataError::Kind::UnsupportedOperator,
                 QStringLiteral("%1 is not supported on collections; use any").arg(quoted(name.text))
                     + at(name.position) + u'.',
                 name.text);
        }
        if (node.path.isEmpty()) {
            fail(ODataError::Kind::Syntax, QStringLiteral("any needs a collection") + at(name.position) + u'.');
        }
        enter(name.position);
        expect(Token::Type::LeftParen, QStringLiteral("'('"));
        node.kind = FilterNode::Kind::Any;
        if (peek().type == Token::Type::RightParen) {
            advance();
            leave();
            return node;
        }
        const Token& variable = peek();
        if (variable.type != Token::Type::Identifier || peek(1).type != Token::Type::Colon) {
            fail(ODataError::Kind::Syntax,
                 QStringLiteral("Expected a variable and ':' in any(t: ...)") + at(variable.position) + u'.');
        }
        if (m_variables.contains(variable.text)) {
            fail(ODataError::Kind::Syntax,
                 QStringLiteral("The lambda variable %1 is already in use").arg(quoted(variable.text))
                     + at(variable.position) + u'.');
        }
        node.lambdaVariable = variable.text;
        advance();
        advance(); // ':'
        m_variables.append(node.lambdaVariable);
        node.children.push_back(parseOr());
        m_variables.removeLast();
        expect(Token::Type::RightParen, QStringLiteral("')' to close any"));
        leave();
        return node;
    }

    void parseInList(FilterNode& node)
    {
        const qsizetype position = peek().position;
        expect(Token::Type::LeftParen, QStringLiteral("'(' after in"));
        if (peek().type == Token::Type::RightParen) {
            fail(ODataError::Kind::Syntax, QStringLiteral("The in list is empty") + at(position) + u'.');
        }
        while (true) {
            if (node.values.size() >= m_limits.maxInItems) {
                fail(ODataError::Kind::LimitExceeded,
                     QStringLiteral("The in list has more than %1 values").arg(m_limits.maxInItems) + at(position)
                         + u'.');
            }
            node.values.append(parseLiteral());
            if (peek().type == Token::Type::Comma) {
                advance();
                continue;
            }
            expect(Token::Type::RightParen, QStringLiteral("',' or ')' in the in list"));
            break;
        }
    }

    FilterLiteral parseLiteral()
    {
        const Token& token = peek();
        switch (token.type) {
        case Token::Type::String:
            advance();
            return FilterLiteral::fromString(token.text);
        case Token::Type::Integer:
            advance();
            return FilterLiteral::fromInt(token.intValue);
        case Token::Type::DateTime:
            advance();
            return FilterLiteral::fromDateTime(token.dateTimeValue);
        case Token::Type::Identifier:
            if (token.text == u"true" || token.text == u"false") {
                advance();
                return FilterLiteral::fromBool(token.text == u"true");
            }
            if (token.text == u"null") {
                advance();
                return FilterLiteral::null();
            }
            fail(ODataError::Kind::Syntax,
                 QStringLiteral("Expected a value but found %1; quote strings like 'this'").arg(quoted(token.text))
                     + at(token.position) + u'.');
        case Token::Type::End:
            fail(ODataError::Kind::Syntax, QStringLiteral("The filter ends where a value was expected."));
        default:
            break;
        }
        fail(ODataError::Kind::Syntax, QStringLiteral("Expected a value") + at(token.position) + u'.');
    }

    QList<Token> m_tokens;
    const ODataLimits& m_limits;
    qsizetype m_pos = 0;
    int m_depth = 0;
    QStringList m_variables;
};

// ---- the other options --------------------------------------------------------------------

ODataError optionError(const QString& option, QString message)
{
    return makeError(ODataError::Kind::InvalidOption, std::move(message), option);
}

// $top and $skip: a non-negative decimal integer. Anything above the qint64 range saturates,
// since it only ever gets clamped further down.
std::optional<qint64> parseCount(QStringView text)
{
    if (text.isEmpty()) {
        return std::nullopt;
    }
    qint64 value = 0;
    for (const QChar c : text) {
        if (!isDigit(c)) {
            return std::nullopt;
        }
        const int digit = c.unicode() - u'0';
        if (value > (std::numeric_limits<qint64>::max() - digit) / 10) {
            value = std::numeric_limits<qint64>::max();
        } else {
            value = value * 10 + digit;
        }
    }
    return value;
}

ODataResult<QList<OrderByItem>> parseOrderBy(QStringView text, const ODataLimits& limits)
{
    const QString option = QStringLiteral("$orderby");
    QList<OrderByItem> items;
    for (const QStringView rawItem : text.split(u',')) {
        const QStringView item = rawItem.trimmed();
        if (item.isEmpty()) {
            return optionError(option, QStringLiteral("$orderby has an empty item."));
        }
        const QList<QStringView> words = item.split(u' ', Qt::SkipEmptyParts);
        OrderByItem parsed;
        parsed.path = words.front().toString();
        if (!isPath(words.front())) {
            return optionError(option, QStringLiteral("$orderby item %1 is not a field name.").arg(quoted(item)));
        }
        if (words.size() == 2 && (words[1] == u"asc" || words[1] == u"desc")) {
            parsed.descending = words[1] == u"desc";
        } else if (words.size() != 1) {
            return optionError(option,
                               QStringLiteral("$orderby item %1 must be a field optionally followed by asc or desc.")
                                   .arg(quoted(item)));
        }
        for (const OrderByItem& existing : std::as_const(items)) {
            if (existing.path == parsed.path) {
                return optionError(option, QStringLiteral("$orderby names %1 twice.").arg(quoted(parsed.path)));
            }
        }
        if (items.size() >= limits.maxOrderByItems) {
            return makeError(ODataError::Kind::LimitExceeded,
                             QStringLiteral("$orderby has more than %1 items.").arg(limits.maxOrderByItems),
                             option);
        }
        items.append(parsed);
    }
    return items;
}

ODataResult<QStringList> parseSelect(QStringView text, const QString& option, const ODataLimits& limits)
{
    if (text.trimmed().isEmpty()) {
        return optionError(option, QStringLiteral("%1 is empty.").arg(option));
    }
    QStringList fields;
    bool all = false;
    for (const QStringView rawItem : text.split(u',')) {
        const QStringView item = rawItem.trimmed();
        if (item == u"*") {
            all = true;
            continue;
        }
        if (!isIdentifier(item)) {
            return optionError(option, QStringLiteral("%1 item %2 is not a property name.").arg(option, quoted(item)));
        }
        if (!fields.contains(item)) {
            fields.append(item.toString());
        }
        if (fields.size() > limits.maxSelectItems) {
            return makeError(ODataError::Kind::LimitExceeded,
                             QStringLiteral("%1 has more than %2 items.").arg(option).arg(limits.maxSelectItems),
                             option);
        }
    }
    if (all) {
        fields.clear();
    }
    return fields;
}

// Splits on `separator` outside parentheses; nullopt when the parentheses do not balance.
std::optional<QList<QStringView>> splitTopLevel(QStringView text, QChar separator)
{
    QList<QStringView> parts;
    int depth = 0;
    qsizetype start = 0;
    for (qsizetype i = 0; i < text.size(); ++i) {
        if (text[i] == u'(') {
            ++depth;
        } else if (text[i] == u')') {
            if (--depth < 0) {
                return std::nullopt;
            }
        } else if (text[i] == separator && depth == 0) {
            parts.append(text.sliced(start, i - start));
            start = i + 1;
        }
    }
    if (depth != 0) {
        return std::nullopt;
    }
    parts.append(text.sliced(start));
    return parts;
}

ODataResult<std::vector<ExpandItem>> parseExpand(QStringView text, int depth, const ODataLimits& limits)
{
    const QString option = QStringLiteral("$expand");
    if (depth > limits.maxExpandDepth) {
        return makeError(ODataError::Kind::LimitExceeded,
                         QStringLiteral("$expand is nested more than %1 levels deep.").arg(limits.maxExpandDepth),
                         option);
    }
    const auto items = splitTopLevel(text, u',');
    if (!items) {
        return optionError(option, QStringLiteral("$expand has unbalanced parentheses."));
    }
    std::vector<ExpandItem> result;
    for (const QStringView rawItem : *items) {
        const QStringView item = rawItem.trimmed();
        const qsizetype paren = item.indexOf(u'(');
        ExpandItem expanded;
        const QStringView name = paren < 0 ? item : item.first(paren).trimmed();
        if (!isIdentifier(name)) {
            return optionError(option, QStringLiteral("$expand item %1 is not a property name.").arg(quoted(item)));
        }
        expanded.property = name.toString();
        if (paren >= 0) {
            if (!item.endsWith(u')')) {
                return optionError(option, QStringLiteral("$expand item %1 has text after ')'.").arg(quoted(item)));
            }
            const QStringView nested = item.sliced(paren + 1, item.size() - paren - 2);
            const auto options = splitTopLevel(nested, u';');
            if (!options) {
                return optionError(option, QStringLiteral("$expand item %1 is malformed.").arg(quoted(item)));
            }
            bool seenSelect = false;
            bool seenExpand = false;
            for (const QStringView rawNestedOption : *options) {
                const QStringView nestedOption = rawNestedOption.trimmed();
                const qsizetype equals = nestedOption.indexOf(u'=');
                const QString key
                    = equals < 0 ? nestedOption.toString() : nestedOption.first(equals).trimmed().toString();
                const QStringView value = equals < 0 ? QStringView() : nestedOption.sliced(equals + 1).trimmed();
                if (key.compare(u"$select", Qt::CaseInsensitive) == 0 && !seenSelect && !value.isEmpty()) {
                    seenSelect = true;
                    auto select = parseSelect(value, QStringLiteral("$select"), limits);
                    if (!select) {
                        return select.error();
                    }
                    expanded.select = std::move(select).value();
                } else if (key.compare(u"$expand", Qt::CaseInsensitive) == 0 && !seenExpand && !value.isEmpty()) {
                    seenExpand = true;
                    auto inner = parseExpand(value, depth + 1, limits);
                    if (!inner) {
                        return inner.error();
                    }
                    expanded.expand = std::move(inner).value();
                } else {
                    return optionError(option,
                                       QStringLiteral("$expand item %1: only one $select and one $expand may be "
                                                      "nested.")
                                           .arg(quoted(item)));
                }
            }
        }
        for (const ExpandItem& existing : result) {
            if (existing.property == expanded.property) {
                return optionError(option, QStringLiteral("$expand names %1 twice.").arg(quoted(expanded.property)));
            }
        }
        result.push_back(std::move(expanded));
    }
    return result;
}

std::optional<ODataError>
checkExpandItems(const std::vector<ExpandItem>& items, const QString& prefix, const QStringList& allowedPaths)
{
    for (const ExpandItem& item : items) {
        const QString path = prefix.isEmpty() ? item.property : prefix + u'/' + item.property;
        if (!allowedPaths.contains(path)) {
            return makeError(
                ODataError::Kind::UnknownField, QStringLiteral("%1 cannot be expanded here.").arg(quoted(path)), path);
        }
        if (auto error = checkExpandItems(item.expand, path, allowedPaths)) {
            return error;
        }
    }
    return std::nullopt;
}

} // namespace

QString filterOperatorName(FilterOperator op)
{
    switch (op) {
    case FilterOperator::Eq:
        return QStringLiteral("eq");
    case FilterOperator::Ne:
        return QStringLiteral("ne");
    case FilterOperator::Gt:
        return QStringLiteral("gt");
    case FilterOperator::Ge:
        return QStringLiteral("ge");
    case FilterOperator::Lt:
        return QStringLiteral("lt");
    case FilterOperator::Le:
        return QStringLiteral("le");
    case FilterOperator::In:
        return QStringLiteral("in");
    case FilterOperator::StartsWith:
        return QStringLiteral("startswith");
    }
    return {};
}

FilterLiteral FilterLiteral::fromBool(bool value)
{
    FilterLiteral literal;
    literal.type = Type::Bool;
    literal.boolValue = value;
    return literal;
}

FilterLiteral FilterLiteral::fromInt(qint64 value)
{
    FilterLiteral literal;
    literal.type = Type::Int;
    literal.intValue = value;
    return literal;
}

FilterLiteral FilterLiteral::fromString(QString value)
{
    FilterLiteral literal;
    literal.type = Type::String;
    literal.stringValue = std::move(value);
    return literal;
}

FilterLiteral FilterLiteral::fromDateTime(Timestamp value)
{
    FilterLiteral literal;
    literal.type = Type::DateTime;
    literal.dateTimeValue = value;
    return literal;
}

ODataResult<FilterNode> parseODataFilter(QStringView text, const ODataLimits& limits)
{
    if (text.size() > limits.maxFilterLength) {
        return makeError(ODataError::Kind::LimitExceeded,
                         QStringLiteral("$filter is longer than %1 characters.").arg(limits.maxFilterLength),
                         QStringLiteral("$filter"));
    }
    if (text.trimmed().isEmpty()) {
        return makeError(ODataError::Kind::Syntax, QStringLiteral("$filter is empty."), QStringLiteral("$filter"));
    }
    try {
        FilterParser parser(tokenize(text), limits);
        return parser.parse();
    } catch (const ParseFailure& failure) {
        ODataError error = failure.error;
        if (error.target.isEmpty()) {
            error.target = QStringLiteral("$filter");
        }
        return error;
    }
}

ODataResult<ODataQuery> ODataQuery::fromUrl(const QUrl& url, const ODataLimits& limits)
{
    return fromQuery(QUrlQuery(url), limits);
}

ODataResult<ODataQuery> ODataQuery::fromQuery(const QUrlQuery& query, const ODataLimits& limits)
{
    ODataQuery result;
    QStringList seen;
    // FullyDecoded: the client percent-encodes quotes, spaces and '+' (graph-contract.md 0); a
    // literal '+' stays a '+' (an offset such as +02:00), it is never read as a space.
    const auto items = query.queryItems(QUrl::FullyDecoded);
    for (const auto& [rawKey, value] : items) {
        if (!rawKey.startsWith(u'$')) {
            continue;
        }
        const QString key = rawKey.toLower();
        if (seen.contains(key)) {
            return optionError(key, QStringLiteral("The query option %1 is given more than once.").arg(key));
        }
        seen.append(key);

        if (key == u"$filter") {
            auto filter = parseODataFilter(value, limits);
            if (!filter) {
                return filter.error();
            }
            result.filterText = value;
            result.filter = std::move(filter).value();
        } else if (key == u"$top") {
            const auto top = parseCount(value);
            if (!top) {
                return optionError(key, QStringLiteral("$top must be a non-negative integer."));
            }
            result.top = qMin(*top, limits.maxPageSize);
        } else if (key == u"$skip") {
            const auto skip = parseCount(value);
            if (!skip) {
                return optionError(key, QStringLiteral("$skip must be a non-negative integer."));
            }
            result.skip = *skip;
        } else if (key == u"$orderby") {
            auto orderBy = parseOrderBy(value, limits);
            if (!orderBy) {
                return orderBy.error();
            }
            result.orderBy = std::move(orderBy).value();
        } else if (key == u"$select") {
            auto select = parseSelect(value, key, limits);
            if (!select) {
                return select.error();
            }
            result.select = std::move(select).value();
        } else if (key == u"$expand") {
            if (value.trimmed().isEmpty()) {
                return optionError(key, QStringLiteral("$expand is empty."));
            }
            auto expand = parseExpand(value, 1, limits);
            if (!expand) {
                return expand.error();
            }
            result.expand = std::move(expand).value();
        } else if (key == u"$count") {
            if (value != u"true" && value != u"false") {
                return optionError(key, QStringLiteral("$count must be true or false."));
            }
            result.count = value == u"true";
        } else if (key == u"$skiptoken") {
            if (value.isEmpty()) {
                return optionError(key, QStringLiteral("$skiptoken is empty."));
            }
            if (value.size() > limits.maxSkipTokenLength) {
                return makeError(ODataError::Kind::LimitExceeded, QStringLiteral("$skiptoken is too long."), key);
            }
            result.skipToken = value;
        } else {
            return optionError(key, QStringLiteral("The query option %1 is not supported.").arg(quoted(key)));
        }
    }
    return result;
}

std::optional<ODataError> ODataQuery::checkExpand(const QStringList& allowedPaths) const
{
    return checkExpandItems(expand, QString(), allowedPaths);
}

} // namespace Elevate::Server
