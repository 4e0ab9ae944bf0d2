#include "Router.h"

#include <QByteArray>

#include <algorithm>
#include <optional>
#include <utility>

namespace Elevate::Server {

namespace {

// Graph accepts functions both bare and qualified with the namespace the SDKs use.
constexpr QStringView GraphNamespace = u"microsoft.graph.";

bool isIdentifier(QStringView text)
{
    if (text.isEmpty()) {
        return false;
    }
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        const bool letter = (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || c == u'_';
        const bool digit = c >= u'0' && c <= u'9';
        if (!letter && !(digit && i > 0)) {
            return false;
        }
    }
    return true;
}

QStringView stripNamespace(QStringView name)
{
    if (name.startsWith(GraphNamespace, Qt::CaseInsensitive)) {
        return name.mid(GraphNamespace.size());
    }
    return name;
}

struct FunctionCall
{
    QString name;
    QList<std::pair<QString, QString>> args; // name, unquoted value
};

// Parses `name(arg='value',other=3)` as OData writes function calls in a path segment. Quoted
// values may hold ',', ')' and '=' and escape a quote by doubling it. Returns nullopt for
// anything that is not a well-formed call.
std::optional<FunctionCall> parseFunctionCall(QStringView segment)
{
    const qsizetype open = segment.indexOf(u'(');
    if (open <= 0 || !segment.endsWith(u')')) {
        return std::nullopt;
    }
    FunctionCall call;
    call.name = stripNamespace(segment.left(open)).toString();
    if (call.name.isEmpty()) {
        return std::nullopt;
    }
    const QStringView inner = segment.mid(open + 1, segment.size() - open - 2);
    qsizetype i = 0;
    const auto skipSpaces = [&] {
        while (i < inner.size() && inner.at(i).isSpace()) {
            ++i;
        }
    };
    skipSpaces();
    if (i == inner.size()) {
        return call; // no arguments
    }
    while (true) {
        skipSpaces();
        const qsizetype eq = inner.indexOf(u'=', i);
        if (eq < 0) {
            return std::nullopt;
        }
        const QString argName = inner.mid(i, eq - i).trimmed().toString();
        if (!isIdentifier(argName)) {
            return std::nullopt;
        }
        i = eq + 1;
        skipSpaces();
        QString value;
        if (i < inner.size() && inner.at(i) == u'\'') {
            ++i;
            bool closed = false;
            while (i < inner.size()) {
                if (inner.at(i) == u'\'') {
                    if (i + 1 < inner.size() && inner.at(i + 1) == u'\'') {
                        value.append(u'\'');
                        i += 2;
                        continue;
                    }
                    ++i;
                    closed = true;
                    break;
                }
                value.append(inner.at(i));
                ++i;
            }
            if (!closed) {
                return std::nullopt;
            }
        } else {
            qsizetype end = inner.indexOf(u',', i);
            if (end < 0) {
                end = inner.size();
            }
            value = inner.mid(i, end - i).trimmed().toString();
            if (value.isEmpty() || value.contains(u'\'') || value.contains(u'(') || value.contains(u')')) {
                return std::nullopt;
            }
            i = end;
        }
        for (const auto& existing : std::as_const(call.args)) {
            if (existing.first.compare(argName, Qt::CaseInsensitive) == 0) {
                return std::nullopt; // the same argument twice
            }
        }
        call.args.append({ argName, value });
        skipSpaces();
        if (i == inner.size()) {
            return call;
        }
        if (inner.at(i) != u',') {
            return std::nullopt;
        }
        ++i;
    }
}

// Splits a path on '/' after dropping one trailing slash; nullopt if it is not absolute or has
// an empty segment ("//").
std::optional<QList<QStringView>> splitPath(QStringView path)
{
    if (!path.startsWith(u'/')) {
        return std::nullopt;
    }
    if (path.size() > 1 && path.endsWith(u'/')) {
        path.chop(1);
    }
    QList<QStringView> segments;
    if (path.size() == 1) {
        return segments; // the root
    }
    for (const QStringView segment : path.mid(1).split(u'/')) {
        if (segment.isEmpty()) {
            return std::nullopt;
        }
        segments.append(segment);
    }
    return segments;
}

QString percentDecoded(QStringView segment)
{
    if (!segment.contains(u'%')) {
        return segment.toString();
    }
    return QString::fromUtf8(QByteArray::fromPercentEncoding(segment.toUtf8()));
}

} // namespace

struct Router::Route
{
    struct Argument
    {
        QString name;
        QString capture; // non-empty: captures the value under this name
        QString literal; // otherwise the value must equal this
    };

    struct Segment
    {
        enum class Kind { Literal, Alternatives, Function, Capture };
        Kind kind = Kind::Literal;
        QString text; // the literal, the function name or the capture name
        QString folded; // Literal: text case-folded, compared with the request's folded segment
        QStringList alternatives; // Alternatives
        QStringList foldedAlternatives; // the same, case-folded
        QList<Argument> arguments; // Function

        // Higher is more specific: decides between patterns that both match a path.
        int rank() const
        {
            switch (kind) {
            case Kind::Literal:
            case Kind::Alternatives:
                return 3;
            case Kind::Function:
                return 2;
            case Kind::Capture:
                return 1;
            }
            return 0;
        }
    };

    QByteArray method;
    QString pattern;
    QList<Segment> segments;
    QList<int> ranks; // of the segments, in order
    RouteHandler handler;
    RouteOptions options;

    static std::optional<Segment> parseSegment(QStringView text);
    // Whether the request's segments match (`folded`: the same, case-folded, for the literal
    // parts: case-insensitive equality without folding per comparison); the captures go to
    // *params when given (a first pass without it costs no allocation for the many routes that
    // do not match).
    bool matchSegments(const QList<QString>& decoded, const QList<QString>& folded,
                       QHash<QString, QString>* params) const;
};

std::optional<Router::Route::Segment> Router::Route::parseSegment(QStringView text)
{
    Segment segment;
    if (text.startsWith(u'{')) {
        if (!text.endsWith(u'}')) {
            return std::nullopt;
        }
        const QStringView inner = text.mid(1, text.size() - 2);
        const qsizetype colon = inner.indexOf(u':');
        const QStringView name = colon < 0 ? inner : inner.left(colon);
        if (!isIdentifier(name)) {
            return std::nullopt;
        }
        segment.text = name.toString();
        if (colon < 0) {
            segment.kind = Segment::Kind::Capture;
            return segment;
        }
        segment.kind = Segment::Kind::Alternatives;
        for (const QStringView alternative : inner.mid(colon + 1).split(u'|')) {
            if (alternative.isEmpty() || alternative.contains(u'{') || alternative.contains(u'}')) {
                return std::nullopt;
            }
            segment.alternatives.append(alternative.toString());
            segment.foldedAlternatives.append(alternative.toString().toCaseFolded());
        }
        return segment;
    }
    if (text.contains(u'(')) {
        // Patterns write `{x}` where a request writes a quoted value, so parse the pattern's
        // arguments by hand rather than as a call.
        const qsizetype open = text.indexOf(u'(');
        if (!text.endsWith(u')')) {
            return std::nullopt;
        }
        segment.kind = Segment::Kind::Function;
        segment.text = stripNamespace(text.left(open)).toString();
        if (segment.text.isEmpty()) {
            return std::nullopt;
        }
        const QStringView inner = text.mid(open + 1, text.size() - open - 2).trimmed();
        if (inner.isEmpty()) {
            return segment;
        }
        for (const QStringView part : inner.split(u',')) {
            const qsizetype eq = part.indexOf(u'=');
            if (eq < 0) {
                return std::nullopt;
            }
            Argument argument;
            argument.name = part.left(eq).trimmed().toString();
            const QStringView value = part.mid(eq + 1).trimmed();
            if (!isIdentifier(argument.name)) {
                return std::nullopt;
            }
            if (value.size() >= 2 && value.startsWith(u'{') && value.endsWith(u'}')) {
                const QStringView name = value.mid(1, value.size() - 2);
                if (!isIdentifier(name)) {
                    return std::nullopt;
                }
                argument.capture = name.toString();
            } else if (value.size() >= 2 && value.startsWith(u'\'') && value.endsWith(u'\'')) {
                argument.literal = value.mid(1, value.size() - 2).toString();
            } else if (!value.isEmpty() && !value.contains(u'{') && !value.contains(u'\'')) {
                argument.literal = value.toString();
            } else {
                return std::nullopt;
            }
            segment.arguments.append(argument);
        }
        return segment;
    }
    if (text.contains(u'{') || text.contains(u'}') || text.contains(u')')) {
        return std::nullopt;
    }
    segment.kind = Segment::Kind::Literal;
    segment.text = text.toString();
    segment.folded = segment.text.toCaseFolded();
    return segment;
}

bool Router::Route::matchSegments(const QList<QString>& decoded, const QList<QString>& folded,
                                  QHash<QString, QString>* params) const
{
    if (decoded.size() != segments.size()) {
        return false;
    }
    for (qsizetype i = 0; i < segments.size(); ++i) {
        const Segment& segment = segments.at(i);
        const QString& actual = decoded.at(i);
        switch (segment.kind) {
        case Segment::Kind::Literal:
            if (folded.at(i) != segment.folded) {
                return false;
            }
            break;
        case Segment::Kind::Alternatives: {
            const qsizetype at = segment.foldedAlternatives.indexOf(folded.at(i));
            if (at < 0) {
                return false;
            }
            if (params) {
                params->insert(segment.text, segment.alternatives.at(at)); // the pattern's spelling, e.g. "v1.0"
            }
            break;
        }
        case Segment::Kind::Capture:
            if (params) {
                params->insert(segment.text, actual);
            }
            break;
        case Segment::Kind::Function: {
            const std::optional<FunctionCall> call = parseFunctionCall(actual);
            if (!call || call->name.compare(segment.text, Qt::CaseInsensitive) != 0
                || call->args.size() != segment.arguments.size()) {
                return false;
            }
            for (const Argument& argument : segment.arguments) {
                const auto it = std::find_if(call->args.cbegin(), call->args.cend(), [&](const auto& arg) {
                    return arg.first.compare(argument.name, Qt::CaseInsensitive) == 0;
                });
                if (it == call->args.cend()) {
                    return false;
                }
                if (!argument.capture.isEmpty()) {
                    if (params) {
                        params->insert(argument.capture, it->second);
                    }
                } else if (it->second.compare(argument.literal, Qt::CaseInsensitive) != 0) {
                    return false;
                }
            }
            break;
        }
        }
    }
    return true;
}

Router::Router() = default;
Router::~Router() = default;

bool Router::addRoute(const QByteArray& method, const QString& pattern, RouteHandler handler, RouteOptions options)
{
    if (method.isEmpty() || !handler) {
        return false;
    }
    const std::optional<QList<QStringView>> parts = splitPath(pattern);
    if (!parts) {
        return false;
    }
    auto route = std::make_shared<Route>();
    route->method = method.toUpper();
    route->pattern = pattern;
    route->handler = std::move(handler);
    route->options = options;
    QStringList captureNames;
    for (const QStringView part : *parts) {
        std::optional<Route::Segment> segment = Route::parseSegment(part);
        if (!segment) {
            return false;
        }
        if (segment->kind == Route::Segment::Kind::Capture || segment->kind == Route::Segment::Kind::Alternatives) {
            captureNames.append(segment->text);
        }
        for (const Route::Argument& argument : std::as_const(segment->arguments)) {
            if (!argument.capture.isEmpty()) {
                captureNames.append(argument.capture);
            }
        }
        route->ranks.append(segment->rank());
        route->segments.append(std::move(*segment));
    }
    if (captureNames.removeDuplicates() != 0) {
        return false;
    }
    for (const auto& existing : std::as_const(m_routes)) {
        if (existing->method == route->method && existing->pattern == route->pattern) {
            return false;
        }
    }
    m_routes.append(std::move(route));
    return true;
}

Router::Result Router::match(QByteArrayView method, QStringView encodedPath) const
{
    Result result;
    const std::optional<QList<QStringView>> parts = splitPath(encodedPath);
    if (!parts) {
        return result;
    }
    QList<QString> decoded;
    QList<QString> folded;
    decoded.reserve(parts->size());
    folded.reserve(parts->size());
    for (const QStringView part : *parts) {
        decoded.append(percentDecoded(part));
        folded.append(decoded.last().toCaseFolded());
    }

    struct Candidate
    {
        const Route* route;
        QHash<QString, QString> params;
    };
    QList<Candidate> best;
    QList<int> bestRanks;
    for (const auto& route : m_routes) {
        if (!route->matchSegments(decoded, folded, nullptr)) {
            continue;
        }
        const QList<int>& ranks = route->ranks;
        if (best.isEmpty() || ranks > bestRanks) {
            best.clear();
            bestRanks = ranks;
        } else if (ranks < bestRanks) {
            continue;
        }
        QHash<QString, QString> params;
        route->matchSegments(decoded, folded, &params);
        best.append({ route.get(), std::move(params) });
    }
    if (best.isEmpty()) {
        return result;
    }

    const auto find = [&](QByteArrayView wanted) -> const Candidate* {
        for (const Candidate& candidate : std::as_const(best)) {
            if (candidate.route->method == wanted) {
                return &candidate;
            }
        }
        return nullptr;
    };
    const Candidate* chosen = find(method);
    if (!chosen && method == "HEAD") {
        chosen = find("GET");
    }
    if (chosen) {
        result.kind = Result::Kind::Found;
        result.match.routeName = chosen->route->pattern;
        result.match.params = chosen->params;
        result.handler = &chosen->route->handler;
        result.options = chosen->route->options;
        return result;
    }

    result.kind = Result::Kind::MethodNotAllowed;
    result.match.routeName = best.first().route->pattern; // for metrics and logs
    for (const Candidate& candidate : std::as_const(best)) {
        if (!result.allowedMethods.contains(candidate.route->method)) {
            result.allowedMethods.append(candidate.route->method);
        }
    }
    if (result.allowedMethods.contains("GET") && !result.allowedMethods.contains("HEAD")) {
        result.allowedMethods.append(QByteArrayLiteral("HEAD"));
    }
    std::sort(result.allowedMethods.begin(), result.allowedMethods.end());
    return result;
}

QStringList Router::patterns() const
{
    QStringList names;
    for (const auto& route : m_routes) {
        if (!names.contains(route->pattern)) {
            names.append(route->pattern);
        }
    }
    return names;
}

} // namespace Elevate::Server
