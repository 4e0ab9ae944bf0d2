#pragma once

#include <QString>
#include <QtGlobal>

namespace Elevate::Server {

// Ids for the rows the server creates (requests, assignments, approval stages, reviews, audit
// events): UUID version 7 (RFC 9562 §5.7), a 48-bit Unix time in milliseconds followed by 74
// random bits, written as a canonical GUID ("0190a6d2-…", no braces) like every Graph id.
// Ids made later sort after ids made earlier, so a new row lands at the right edge of every
// index keyed by id instead of dirtying a random B-tree page. The random bits come from the
// operating system's generator (getrandom(2), a few KiB at a time per thread): ids are never
// capabilities (every call is authorized on its own), but they stay unguessable.
class TimeOrderedId final
{
public:
    TimeOrderedId() = delete;

    // A new id at the wall clock's current millisecond.
    static QString create();
    // A new id whose time field is `msecsSinceEpoch` (only its low 48 bits are kept).
    static QString create(qint64 msecsSinceEpoch);
    // The time field of a version 7 id, or -1 when `id` is not one.
    static qint64 timeOf(const QString& id);
};

} // namespace Elevate::Server
