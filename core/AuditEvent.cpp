#include "AuditEvent.h"

namespace Elevate {

QString AuditEvent::initiatorName() const
{
    if (initiatedByUser) {
        return initiatedByUser->displayName.isEmpty() ? initiatedByUser->userPrincipalName
                                                      : initiatedByUser->displayName;
    }
    if (initiatedByApp) {
        return initiatedByApp->displayName;
    }
    return {};
}

} // namespace Elevate
