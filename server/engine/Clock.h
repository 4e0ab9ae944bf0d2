#pragma once

#include "Timestamp.h"

#include <cstdint>

namespace Elevate::Server {

// Where the server's "now" comes from. Every time-dependent decision (expiry, pending-request
// lifetime, token lifetime, TOTP window) asks the clock, so tests can move time.
class Clock
{
public:
    virtual ~Clock() = default;
    virtual Timestamp now() const = 0;
};

class SystemClock final : public Clock
{
public:
    Timestamp now() const override;
};

// A clock that only moves when told to.
class ManualClock final : public Clock
{
public:
    explicit ManualClock(Timestamp start)
        : m_now(start)
    {
    }
    Timestamp now() const override { return m_now; }
    void set(Timestamp t) { m_now = t; }
    void advanceSeconds(std::int64_t seconds) { m_now = m_now.plusSeconds(seconds); }

private:
    Timestamp m_now;
};

} // namespace Elevate::Server
