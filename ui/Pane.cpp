#include "Pane.h"

#include <QFile>
#include <QSettings>

namespace Elevate::Ui {

Pane::Pane(Workspace& workspace, QWidget* parent)
    : QWidget(parent)
    , m_workspace(workspace)
{
}

Pane::~Pane() = default;

void Pane::saveState(QSettings&) const
{
}

void Pane::restoreState(QSettings&)
{
}

QIcon themedIcon(const QString& name)
{
    const QString bundled = QStringLiteral(":/icons/%1.svg").arg(name);
    const QIcon fallback = QFile::exists(bundled) ? QIcon(bundled) : QIcon();
    return QIcon::fromTheme(name, fallback);
}

} // namespace Elevate::Ui
