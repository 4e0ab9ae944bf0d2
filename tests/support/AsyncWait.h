#pragma once
// Waiting helpers shared by the tests that drive Session and SyncEngine against a real elevated,
// and the signal counter of the model tests. Each wait gives up after a minute with an answer
// that fails the test's own comparison instead of hanging until ctest's time-out.
#include "Session.h"
#include "SyncEngine.h"

#include <QAbstractItemModel>
#include <QSignalSpy>
#include <QTest>

#include <functional>
#include <optional>

namespace Elevate::Testing {

// Runs a Session call and waits for its one answer.
template <typename T>
SessionReply<T> await(const std::function<void(std::function<void(const SessionReply<T>&)>)>& call)
{
    std::optional<SessionReply<T>> got;
    call([&got](const SessionReply<T>& r) { got = r; });
    if (!QTest::qWaitFor([&got] { return got.has_value(); }, 60000)) {
        return SessionReply<T>{ SessionOutcome::Unreachable, QStringLiteral("test timeout"), {}, {}, {} };
    }
    return *got;
}

// Pulls one collection now; the pull's error, empty when it succeeded.
inline QString synced(SyncEngine& engine, SyncCollection collection)
{
    std::optional<QString> error;
    engine.syncNow(collection, [&error](const QString& e) { error = e; });
    if (!QTest::qWaitFor([&error] { return error.has_value(); }, 60000)) {
        return QStringLiteral("test timeout");
    }
    return *error;
}

// Every signal a model can send about its rows, counted.
struct ModelSpies
{
    explicit ModelSpies(QAbstractItemModel* m)
        : inserted(m, &QAbstractItemModel::rowsInserted)
        , removed(m, &QAbstractItemModel::rowsRemoved)
        , changed(m, &QAbstractItemModel::dataChanged)
        , reset(m, &QAbstractItemModel::modelReset)
        , moved(m, &QAbstractItemModel::rowsMoved)
        , layout(m, &QAbstractItemModel::layoutChanged)
    {
    }
    int total() const
    {
        return int(inserted.size() + removed.size() + changed.size() + reset.size() + moved.size() + layout.size());
    }
    void clear()
    {
        inserted.clear();
        removed.clear();
        changed.clear();
        reset.clear();
        moved.clear();
        layout.clear();
    }
    QSignalSpy inserted, removed, changed, reset, moved, layout;
};

} // namespace Elevate::Testing
