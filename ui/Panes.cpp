#include "Panes.h"

#include "AlertsPane.h"
#include "ApprovalsPane.h"
#include "AuditPane.h"
#include "MyRolesPane.h"
#include "Pane.h"
#include "ReviewsPane.h"

namespace Elevate::Ui {

QList<Pane*> createPanes(Workspace& workspace, QWidget* parent)
{
    QList<Pane*> panes;
    // My Roles, Pending Approvals
    panes << new MyRolesPane(workspace, parent);
    panes << new ApprovalsPane(workspace, parent);
    // Access Reviews
    panes << new ReviewsPane(workspace, parent);
    // Audit
    panes << new AuditPane(workspace, parent);
    // Alerts
    panes << new AlertsPane(workspace, parent);
    return panes;
}

} // namespace Elevate::Ui
