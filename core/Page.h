#pragma once

#include <QList>
#include <QString>

#include <optional>

namespace Elevate {

// One page of a Graph collection: its items and, when there is more, the nextLink to follow
// verbatim (graph-contract.md 2.2). A page may be empty and still have a nextLink.
template <typename T>
struct Page
{
    QList<T> value;
    QString nextLink;
    QString context;
    std::optional<qint64> count;

    bool hasMore() const { return !nextLink.isEmpty(); }
    friend bool operator==(const Page&, const Page&) = default;
};

} // namespace Elevate
