#pragma once

#include "Pane.h"

class QLabel;
class QSplitter;
class QTextBrowser;
class QTreeView;

namespace Elevate::Models {
class AlertsModel;
}

namespace Elevate::Ui {

// Alerts: the risks PIM warns about, computed from the cache (Models::Alerts): permanent
// privileged assignments, too many Global Administrators, privileged roles without MFA or
// approval, unused eligibilities, roles activated too often. The chosen alert's details show
// the people affected and what to do; a note says what the cache could not show.
// Badge: the number of alerts.
class AlertsPane final : public Pane
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AlertsPane)

public:
    explicit AlertsPane(Workspace& workspace, QWidget* parent = nullptr);
    ~AlertsPane() override;

    QString paneId() const override { return QStringLiteral("alerts"); }
    QString title() const override;
    QIcon icon() const override;
    void refresh() override;
    void saveState(QSettings& settings) const override;
    void restoreState(QSettings& settings) override;

    Models::AlertsModel* model() const { return m_model; }

private:
    bool m_auditAttached = false;
    void reload();
    void showEvent(QShowEvent* event) override;
    void showDetails();

    Models::AlertsModel* m_model = nullptr;
    QLabel* m_limitations = nullptr;
    QSplitter* m_splitter = nullptr;
    QTreeView* m_view = nullptr;
    QTextBrowser* m_details = nullptr;
    int m_badge = -2;
};

} // namespace Elevate::Ui
