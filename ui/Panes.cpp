#include "Panes.h"

#include "ApprovalsPane.h"
#include "MyRolesPane.h"
#include "Pane.h"

namespace Elevate::Ui {

QList<Pane*> createPanes(Workspace& workspace, QWidget* parent)
{
    QList<Pane*> panes;
    // My Roles, Pending Approvals
    panes << new MyRolesPane(workspace, parent) << new ApprovalsPane(workspace, parent);
    // Access Reviews
    // Audit
    // Alerts
    return panes;
}

} // namespace Elevate::Ui
