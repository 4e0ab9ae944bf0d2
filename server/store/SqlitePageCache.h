#pragma once

#include <cstdint>

namespace Elevate::Server {

// SQLite's own page cache, with one waste taken out.
//
// At the end of every write transaction SQLite asks its page cache to drop the pages past the
// end of the database (pager_end_transaction -> xTruncate). The default cache (pcache1) answers
// from the largest page number it has ever held since the last such call; when that is far
// past the end it walks its whole hash table. A B-tree split in the middle of an index
// (balance_nonroot) renumbers pages through a temporary number past the 1 GiB lock page, so
// after any such split the next commit walked every cached page: with elevated's 8,192-page
// cache, 4 % of the server thread under the activate/deactivate load.
//
// This cache forwards everything to pcache1 and keeps, per connection, the page numbers at or
// past the end the last truncation set. A truncation that finds none of them past its new
// limit skips pcache1's walk; any other goes through as before.
namespace SqlitePageCache {

// Installs the cache for the process. SQLite takes it only before its first use: from main(),
// like the rest of Database::configureSqliteLibrary(); returns false, changing nothing, after.
bool install();

struct Counts
{
    std::uint64_t truncations = 0; // asked of this cache
    std::uint64_t forwarded = 0; // of which reached pcache1
};
// Totals over every connection since install() (for tests and benchmarks).
Counts counts();

} // namespace SqlitePageCache

} // namespace Elevate::Server
