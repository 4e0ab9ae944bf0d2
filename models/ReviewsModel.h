#pragma once

#include "KeyedTableModel.h"
#include "AccessReview.h"
#include "ActiveAssignment.h"
#include "SessionTypes.h"

namespace Elevate {
namespace Cache {
class CacheDatabase;
class Outbox;
} // namespace Cache
} // namespace Elevate

namespace Elevate::Models {

// One access review the signed-in user reviews, as the cache holds it.
struct ReviewSummary
{
    ReviewRow review;  // definition, current instance (InProgress, else the latest)
    int total = 0;     // decisions assigned to me in that instance
    int decided = 0;   // of which decided, on the server or waiting in the outbox
    int open = 0;      // NotReviewed and nothing recorded in the outbox: what still needs me

    friend bool operator==(const ReviewSummary& a, const ReviewSummary& b)
    {
        return a.review.definition == b.review.definition && a.review.instance == b.review.instance
            && a.review.pendingDecisions == b.review.pendingDecisions && a.total == b.total && a.decided == b.decided
            && a.open == b.open;
    }
};

// "My reviews" for the Access Reviews pane: name, progress (decided / total) and due date of
// each review assigned to me, read from the cache (review definitions, their instances and my
// decisions, as SyncEngine pulls them) joined with the outbox, so a decision recorded offline
// already counts as decided. reload() re-reads and emits the smallest change.
class ReviewsModel final : public KeyedTableModel<ReviewSummary>
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ReviewsModel)

public:
    enum Column { NameColumn, ProgressColumn, DueColumn, ColumnCount };
    enum Role {
        RawValueRole = Qt::UserRole + 1, // sortable: name, decided fraction (double), due QDateTime
        IdRole,                          // the definition id
        InstanceIdRole,                  // the current instance id (empty when none)
        OpenRole,                        // decisions still to make (int)
    };

    ReviewsModel(Cache::CacheDatabase& cache, Cache::Outbox* outbox, QObject* parent = nullptr);

    int columnCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // Re-reads the cache and the outbox.
    void reload();
    // Decisions still waiting for me across every open review: the pane's badge.
    int openDecisions() const;
    // The row of a definition id, -1 when absent.
    int rowOf(const QString& definitionId) const;

    // The summaries the cache holds now (also used by the CLI-free tests).
    static QList<ReviewSummary> load(Cache::CacheDatabase& cache, Cache::Outbox* outbox);

protected:
    QString keyOf(const ReviewSummary& row) const override { return row.review.definition.id; }

private:
    QVariant displayValue(const ReviewSummary& row, int column) const;
    QVariant rawValue(const ReviewSummary& row, int column) const;

    Cache::CacheDatabase& m_cache;
    Cache::Outbox* m_outbox;
};

} // namespace Elevate::Models
