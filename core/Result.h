#pragma once

#include <QString>

#include <optional>
#include <utility>
#include <variant>

namespace Elevate {

// Why a document could not be decoded: a JSON-pointer-like path to the offending value and a
// sentence for the log. Never shown to the user verbatim.
struct CodecError
{
    QString path;
    QString message;

    QString toString() const { return path.isEmpty() ? message : path + QStringLiteral(": ") + message; }
};

// A value or the reason there is none. The codec returns these instead of throwing, so a bad
// document can never unwind through a caller that forgot a try block.
template <typename T>
class Result final
{
public:
    Result(T value) // NOLINT(google-explicit-constructor): lets functions `return value;`
        : m_state(std::move(value))
    {
    }
    Result(CodecError error) // NOLINT(google-explicit-constructor)
        : m_state(std::move(error))
    {
    }

    bool ok() const { return std::holds_alternative<T>(m_state); }
    explicit operator bool() const { return ok(); }

    const T& value() const& { return std::get<T>(m_state); }
    T& value() & { return std::get<T>(m_state); }
    T&& value() && { return std::get<T>(std::move(m_state)); }
    const T* operator->() const { return &std::get<T>(m_state); }
    const T& operator*() const { return std::get<T>(m_state); }

    const CodecError& error() const { return std::get<CodecError>(m_state); }

private:
    std::variant<T, CodecError> m_state;
};

} // namespace Elevate
