#pragma once

#include "ApprovalsModel.h"
#include "Pane.h"

#include <QSet>
#include <QTimer>

class QLabel;
class QLineEdit;
class QPushButton;
class QSortFilterProxyModel;
class QTreeView;

namespace Elevate::Ui {

// Pending Approvals: the requests waiting for my decision, with requester, role or group,
// scope, justification, ticket, duration, when it was asked, when it lapses, the stage and who
// else approves. Approve or deny one or several with a reason (required where the policy asks)
// through Session::decideApprovals (the outbox: offline decisions wait there). The badge is the
// number of waiting requests; a notification says when a new one arrives.
class ApprovalsPane final : public Pane
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ApprovalsPane)

public:
    explicit ApprovalsPane(Workspace& workspace, QWidget* parent = nullptr);
    ~ApprovalsPane() override;

    QString paneId() const override { return QStringLiteral("approvals"); }
    QString title() const override;
    QIcon icon() const override;
    void refresh() override;
    void focusFind() override;
    void primaryAction() override;
    void saveState(QSettings& settings) const override;
    void restoreState(QSettings& settings) override;

    Models::ApprovalsModel* model() const { return m_model; }

    void approveSelected();
    void denySelected();

private:
    QStringList selectedIds() const;
    bool selectionNeedsReason() const;
    void decide(ApprovalVerdict verdict);
    void updateButtons();
    void updateDetails();
    void updateStatus();
    void onRefreshed();
    void select(const QString& requestId);

    Models::ApprovalsModel* m_model = nullptr;
    QSortFilterProxyModel* m_proxy = nullptr;
    QLabel* m_status = nullptr;
    QLineEdit* m_filter = nullptr;
    QTreeView* m_view = nullptr;
    QLabel* m_details = nullptr;
    QLineEdit* m_reason = nullptr;
    QLabel* m_reasonHint = nullptr;
    QPushButton* m_approve = nullptr;
    QPushButton* m_deny = nullptr;
    bool m_busy = false;
    bool m_seenFirst = false;
    QSet<QString> m_known; // request ids already seen (new ones are notified)
    QTimer m_statusTimer;
};

} // namespace Elevate::Ui
