#pragma once

#include <QLoggingCategory>

namespace Elevate::Cache {

// The cache library's log category ("elevate.cache").
Q_DECLARE_LOGGING_CATEGORY(lcCache)

} // namespace Elevate::Cache
