#include "IdentityLog.h"

namespace Elevate::Server {

Q_LOGGING_CATEGORY(lcIdentity, "elevate.server.identity")

} // namespace Elevate::Server
