#include "Panes.h"

#include "AuditPane.h"
#include "Pane.h"

namespace Elevate::Ui {

QList<Pane*> createPanes(Workspace& workspace, QWidget* parent)
{
    QList<Pane*> panes;
    // My Roles, Pending Approvals
    // Access Reviews
    // Audit
    panes << new AuditPane(workspace, parent);
    // Alerts
    Q_UNUSED(workspace)
    Q_UNUSED(parent)
    return panes;
}

} // namespace Elevate::Ui
