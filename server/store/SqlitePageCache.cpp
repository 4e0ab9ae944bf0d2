#include "SqlitePageCache.h"

#include <sqlite3.h>

#include <atomic>
#include <limits>
#include <new>
#include <set>

namespace Elevate::Server::SqlitePageCache {

namespace {

sqlite3_pcache_methods2 g_inner{}; // pcache1, as SQLite had it configured
std::atomic<std::uint64_t> g_truncations{0};
std::atomic<std::uint64_t> g_forwarded{0};

// One connection's cache. SQLite calls a cache from one thread at a time (under its
// connection's mutex), so nothing here is shared.
struct Cache
{
    sqlite3_pcache* inner = nullptr;
    // Every page numbered at or past `watermark` that may be held is in `past`; pages below it
    // are not followed. Until the first truncation nothing is followed (a read-only connection
    // never truncates and so never pays for this), and the first one goes through.
    unsigned watermark = std::numeric_limits<unsigned>::max();
    std::set<unsigned> past;
    bool lost = false; // a page number could not be noted (no memory): go through until reset

    void note(unsigned key)
    {
        try {
            past.insert(key);
        } catch (...) {
            lost = true;
        }
    }
};

Cache* cacheOf(sqlite3_pcache* p)
{
    return reinterpret_cast<Cache*>(p);
}

int init(void*)
{
    return g_inner.xInit ? g_inner.xInit(g_inner.pArg) : SQLITE_OK;
}

void shutdown(void*)
{
    if (g_inner.xShutdown) {
        g_inner.xShutdown(g_inner.pArg);
    }
}

sqlite3_pcache* create(int pageSize, int extraSize, int purgeable)
{
    sqlite3_pcache* inner = g_inner.xCreate(pageSize, extraSize, purgeable);
    if (!inner) {
        return nullptr;
    }
    Cache* cache = new (std::nothrow) Cache;
    if (!cache) {
        g_inner.xDestroy(inner);
        return nullptr;
    }
    cache->inner = inner;
    return reinterpret_cast<sqlite3_pcache*>(cache);
}

void cacheSize(sqlite3_pcache* p, int pages)
{
    g_inner.xCachesize(cacheOf(p)->inner, pages);
}

int pageCount(sqlite3_pcache* p)
{
    return g_inner.xPagecount(cacheOf(p)->inner);
}

sqlite3_pcache_page* fetch(sqlite3_pcache* p, unsigned key, int createFlag)
{
    Cache* cache = cacheOf(p);
    sqlite3_pcache_page* page = g_inner.xFetch(cache->inner, key, createFlag);
    // Only a fetch that may create a page can add one; a lookup finds what was noted already.
    if (page && createFlag != 0 && key >= cache->watermark) {
        cache->note(key);
    }
    return page;
}

void unpin(sqlite3_pcache* p, sqlite3_pcache_page* page, int discard)
{
    // A discarded page stays noted: noting too much costs one forwarded truncation at most.
    g_inner.xUnpin(cacheOf(p)->inner, page, discard);
}

void rekey(sqlite3_pcache* p, sqlite3_pcache_page* page, unsigned oldKey, unsigned newKey)
{
    Cache* cache = cacheOf(p);
    g_inner.xRekey(cache->inner, page, oldKey, newKey);
    cache->past.erase(oldKey); // the temporary number of a split leaves here again
    if (newKey >= cache->watermark) {
        cache->note(newKey);
    }
}

void truncate(sqlite3_pcache* p, unsigned limit)
{
    Cache* cache = cacheOf(p);
    g_truncations.fetch_add(1, std::memory_order_relaxed);
    // Pages at or past `limit` go. Below the watermark nothing is followed, so a lower limit
    // always goes through; otherwise only when a noted page lies at or past the limit.
    if (limit < cache->watermark || cache->lost || cache->past.lower_bound(limit) != cache->past.end()) {
        g_forwarded.fetch_add(1, std::memory_order_relaxed);
        g_inner.xTruncate(cache->inner, limit);
        cache->lost = false; // nothing at or past `limit` is left, and below it nothing is followed
    }
    cache->past.clear();
    cache->watermark = limit;
}

void destroy(sqlite3_pcache* p)
{
    Cache* cache = cacheOf(p);
    g_inner.xDestroy(cache->inner);
    delete cache;
}

void shrink(sqlite3_pcache* p)
{
    if (g_inner.xShrink) {
        g_inner.xShrink(cacheOf(p)->inner);
    }
}

} // namespace

bool install()
{
    sqlite3_pcache_methods2 inner{};
    if (sqlite3_config(SQLITE_CONFIG_GETPCACHE2, &inner) != SQLITE_OK || !inner.xCreate || !inner.xFetch
        || !inner.xTruncate) {
        return false;
    }
    if (inner.xCreate == &create) {
        return true; // installed already
    }
    g_inner = inner;
    static const sqlite3_pcache_methods2 methods = {
        1, nullptr, &init, &shutdown, &create, &cacheSize, &pageCount, &fetch, &unpin, &rekey, &truncate, &destroy, &shrink,
    };
    if (sqlite3_config(SQLITE_CONFIG_PCACHE2, &methods) != SQLITE_OK) {
        g_inner = {};
        return false;
    }
    return true;
}

Counts counts()
{
    return Counts{g_truncations.load(std::memory_order_relaxed), g_forwarded.load(std::memory_order_relaxed)};
}

} // namespace Elevate::Server::SqlitePageCache
