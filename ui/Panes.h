#pragma once

#include <QList>

class QWidget;

namespace Elevate {
class Workspace;
}

namespace Elevate::Ui {

class Pane;

// Every pane of the console for one workspace, in navigation order.
QList<Pane*> createPanes(Workspace& workspace, QWidget* parent);

} // namespace Elevate::Ui
