#pragma once

#include <QLoggingCategory>

namespace Elevate::Server {

// The identity code's one logging category ("elevate.server.identity"). Nothing logged under it
// carries a password, a token, a device code or a hash of one.
Q_DECLARE_LOGGING_CATEGORY(lcIdentity)

} // namespace Elevate::Server
