#pragma once

#include "Timestamp.h"

#include <QString>

namespace Elevate::Cache {

// How fresh one cached collection is: when it was last pulled completely, the last error if the
// latest attempt failed, and the collection's delta link or watermark (for the audit archive,
// the newest activityDateTime stored, in fixed-width ISO form).
struct SyncState
{
    QString collection;
    Timestamp lastSync;    // null when never pulled completely
    Timestamp lastAttempt; // the latest try, successful or not
    QString lastError;     // empty when the latest attempt succeeded
    QString watermark;

    friend bool operator==(const SyncState&, const SyncState&) = default;
};

} // namespace Elevate::Cache
