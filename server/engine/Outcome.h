#pragma once

#include <QString>

#include <utility>
#include <variant>

namespace Elevate::Server {

// Why the engine refused or failed an operation, in the terms the API answers with: an HTTP
// status and a Graph error code (graph-contract.md 3.6) plus a message for the caller.
struct EngineError
{
    int httpStatus = 400;
    QString code;
    QString message;
};

// A value or an EngineError. `Outcome<void>` carries no value.
template <typename T>
class Outcome final
{
public:
    Outcome(T value) // NOLINT(google-explicit-constructor)
        : m_state(std::move(value))
    {
    }
    Outcome(EngineError error) // NOLINT(google-explicit-constructor)
        : m_state(std::move(error))
    {
    }
    bool ok() const { return std::holds_alternative<T>(m_state); }
    explicit operator bool() const { return ok(); }
    const T& value() const { return std::get<T>(m_state); }
    T& value() { return std::get<T>(m_state); }
    const T* operator->() const { return &std::get<T>(m_state); }
    const T& operator*() const { return std::get<T>(m_state); }
    const EngineError& error() const { return std::get<EngineError>(m_state); }

private:
    std::variant<T, EngineError> m_state;
};

struct Done
{
};

template <>
class Outcome<void> final
{
public:
    Outcome() = default;
    Outcome(EngineError error) // NOLINT(google-explicit-constructor)
        : m_error(std::move(error))
        , m_failed(true)
    {
    }
    bool ok() const { return !m_failed; }
    explicit operator bool() const { return ok(); }
    const EngineError& error() const { return m_error; }

private:
    EngineError m_error;
    bool m_failed = false;
};

inline EngineError badRequest(const QString& code, const QString& message)
{
    return EngineError{400, code, message};
}
inline EngineError forbidden(const QString& message)
{
    return EngineError{403, QStringLiteral("Authorization_RequestDenied"), message};
}
inline EngineError notFound(const QString& message)
{
    return EngineError{404, QStringLiteral("ResourceNotFound"), message};
}
inline EngineError conflict(const QString& code, const QString& message)
{
    return EngineError{409, code, message};
}
inline EngineError storeFailure(const QString& message)
{
    return EngineError{500, QStringLiteral("UnknownError"), message};
}

} // namespace Elevate::Server
