#pragma once

#include "PolicyCheck.h"
#include "Timestamp.h"

#include <QString>

namespace Elevate::Server {

// Who is making an API call, as established from their access token. Every engine operation
// takes one and decides from it what the caller may do.
struct Caller
{
    QString userId;
    QString displayName;
    QString userPrincipalName;
    bool isAdmin = false;
    bool isAuditor = false;
    SessionFacts session;   // MFA and authentication contexts the token proves
    Timestamp authTime;
    QString ipAddress;
    QString clientId;

    bool isValid() const { return !userId.isEmpty(); }
};

} // namespace Elevate::Server
