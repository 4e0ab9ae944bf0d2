#include "Clock.h"

#include <chrono>

namespace Elevate::Server {

Timestamp SystemClock::now() const
{
    using namespace std::chrono;
    const auto ticks = duration_cast<duration<std::int64_t, std::ratio<1, 10'000'000>>>(
                           system_clock::now().time_since_epoch())
                           .count();
    return Timestamp::fromTicks(ticks);
}

} // namespace Elevate::Server
