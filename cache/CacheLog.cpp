#include "CacheLog.h"

namespace Elevate::Cache {

Q_LOGGING_CATEGORY(lcCache, "elevate.cache")

} // namespace Elevate::Cache
