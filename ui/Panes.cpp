#include "Panes.h"

#include "Pane.h"

namespace Elevate::Ui {

QList<Pane*> createPanes(Workspace& workspace, QWidget* parent)
{
    QList<Pane*> panes;
    // My Roles, Pending Approvals
    // Access Reviews
    // Audit
    // Alerts
    Q_UNUSED(workspace)
    Q_UNUSED(parent)
    return panes;
}

} // namespace Elevate::Ui
