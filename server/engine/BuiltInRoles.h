#pragma once

#include "RoleDefinition.h"

#include <QList>

namespace Elevate::Server {

// The directory roles every elevated tenant has, with Microsoft Entra's built-in template ids
// so that clients written for Entra recognise them.
QList<RoleDefinition> builtInRoles();

} // namespace Elevate::Server
