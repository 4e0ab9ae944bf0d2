#pragma once

#include "Pane.h"

#include "AccessReview.h"

#include <QPointer>

class QLabel;
class QLineEdit;
class QPushButton;
class QSortFilterProxyModel;
class QSplitter;
class QTreeView;

namespace Elevate::Models {
class DecisionsModel;
class ReviewsModel;
} // namespace Elevate::Models

namespace Elevate::Ui {

class SyncIssuesDialog;

// Access Reviews: the reviews assigned to me (progress, due date) and, for the chosen one, its
// decisions with the recommendation and its reason. Approve / deny / don't know the selected
// decisions with a reason, or accept the recommendations for the rest. Every decision goes
// through Session (decide, acceptRecommendations), which records it in the outbox first: online
// it is sent at once, offline it waits and the row says "not yet sent". Refused decisions show
// as conflicts, resolved in the Sync issues dialog (retry / discard).
// Reads the cache at once; refresh() pulls the reviews in the background; the models re-read
// on the engine's tablesChanged. Badge: decisions still waiting for me.
class ReviewsPane final : public Pane
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ReviewsPane)

public:
    explicit ReviewsPane(Workspace& workspace, QWidget* parent = nullptr);
    ~ReviewsPane() override;

    QString paneId() const override { return QStringLiteral("reviews"); }
    QString title() const override;
    QIcon icon() const override;
    void refresh() override;
    void focusFind() override;
    void primaryAction() override;
    void saveState(QSettings& settings) const override;
    void restoreState(QSettings& settings) override;

    // The actions behind the buttons (public for the main window's menus).
    void decideSelected(ReviewDecisionValue value);
    void acceptRecommendations();
    void showSyncIssues();

private:
    void reload();
    void selectReview();
    void updateActions();
    void updateStatus();
    QString currentDefinitionId() const;
    QStringList selectedDecisionIds() const;
    bool reasonRequired() const;
    void finishDecisions(int recorded, const QStringList& refusals, const QStringList& details);
    void setBusy(bool busy);

    Models::ReviewsModel* m_reviews = nullptr;
    Models::DecisionsModel* m_decisions = nullptr;
    QSortFilterProxyModel* m_decisionsProxy = nullptr;
    QLabel* m_status = nullptr;
    QLabel* m_reviewTitle = nullptr;
    QSplitter* m_splitter = nullptr;
    QTreeView* m_reviewsView = nullptr;
    QTreeView* m_decisionsView = nullptr;
    QLineEdit* m_reason = nullptr;
    QLineEdit* m_filter = nullptr;
    QPushButton* m_approve = nullptr;
    QPushButton* m_deny = nullptr;
    QPushButton* m_dontKnow = nullptr;
    QPushButton* m_acceptRecommendations = nullptr;
    QPushButton* m_syncIssues = nullptr;
    QPointer<SyncIssuesDialog> m_syncDialog;
    bool m_busy = false;
    int m_badge = -2;
};

} // namespace Elevate::Ui
