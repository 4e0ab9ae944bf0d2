#pragma once

#include "AuditEvent.h"
#include "Enums.h"
#include "Timestamp.h"

#include <QList>
#include <QString>

#include <optional>

namespace Elevate::Cache {

// A filter over the audit archive. Every field left empty matches everything; the filled ones
// combine with AND. Results are newest first.
struct AuditQuery
{
    Timestamp from;                    // activityDateTime >= from (null: no lower bound)
    Timestamp to;                      // activityDateTime <= to (null: no upper bound)
    QString actor;                     // initiatedBy user id, or app id for an application
    QString target;                    // the target resource id (the role or group), exact
    QString activity;                  // activityDisplayName, exact
    std::optional<AuditResult> result;
    QString text;                      // free text: every word must appear (case-insensitive)
    int limit = 200;                   // rows per page (1..10000)
    qint64 cursor = 0;                 // 0 for the first page, else the previous AuditPage::nextCursor
    bool withTotal = true;             // compute AuditPage::total (skip it when paging on)
};

// One window of an AuditQuery.
struct AuditPage
{
    QList<AuditEvent> rows;
    qint64 total = -1;     // matching events in the whole archive (-1 when not asked for)
    qint64 nextCursor = 0; // pass as AuditQuery::cursor for the next window; 0 when this is the last
};

} // namespace Elevate::Cache
