#pragma once

#include <QDialog>

class QLabel;
class QPushButton;
class QTreeView;

namespace Elevate {
class SyncEngine;
namespace Cache {
class CacheDatabase;
class Outbox;
} // namespace Cache
namespace Models {
class OutboxModel;
}
} // namespace Elevate

namespace Elevate::Ui {

// Sync issues: the decisions waiting in the outbox and those the server refused, with its
// message. Retry sends the selected items again (same idempotency key, so the server applies
// each at most once); Discard gives them up. Nothing is dropped without the user asking.
class SyncIssuesDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SyncIssuesDialog)

public:
    SyncIssuesDialog(Cache::Outbox& outbox, Cache::CacheDatabase* cache, SyncEngine& engine, QWidget* parent = nullptr);
    ~SyncIssuesDialog() override;

    void reload();
    void retrySelected();
    void discardSelected();

signals:
    // The user retried or discarded items (the pane re-reads what the outbox promises).
    void itemsChanged();

private:
    QList<qint64> selectedIds() const;
    void updateActions();

    Cache::Outbox& m_outbox;
    SyncEngine& m_engine;
    Models::OutboxModel* m_model = nullptr;
    QLabel* m_summary = nullptr;
    QTreeView* m_view = nullptr;
    QPushButton* m_retry = nullptr;
    QPushButton* m_discard = nullptr;
};

} // namespace Elevate::Ui
