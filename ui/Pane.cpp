#include "Pane.h"

#include <QFile>
#include <QHash>
#include <QBuffer>
#include <QImageReader>
#include <QPixmap>
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

namespace {

// The bundled icons are drawn in one accent colour; on a selected row (the highlight colour) a
// white copy keeps them visible.
QIcon bundledIcon(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return QIcon(path);
    }
    const QByteArray svg = file.readAll();
    QByteArray white = svg;
    for (const char* accent : {"#3b78c4", "#d9822b", "#2e8540", "#c62828"}) {
        white.replace(accent, "#ffffff");
    }
    // Pixmaps for both modes, each drawn at its size (an SVG icon engine would draw its own
    // selected look instead).
    auto render = [](const QByteArray& data, int size) {
        QBuffer buffer;
        buffer.setData(data);
        QImageReader reader(&buffer, "svg");
        reader.setScaledSize(QSize(size, size));
        return QPixmap::fromImage(reader.read());
    };
    QIcon icon;
    // The navigation list draws them at 22 px, buttons and menus at 16: only those are drawn
    // now (each SVG rendering costs start-up time); other sizes scale from the nearest.
    for (const int size : {16, 22, 32}) {
        const QPixmap normal = render(svg, size);
        if (normal.isNull()) {
            return QIcon(path);
        }
        icon.addPixmap(normal, QIcon::Normal);
        icon.addPixmap(render(white, size), QIcon::Selected);
    }
    return icon;
}

} // namespace

QIcon themedIcon(const QString& name)
{
    const QString bundled = QStringLiteral(":/icons/%1.svg").arg(name);
    // Our own pane icons are always the bundled ones, with a white copy for the selected
    // navigation entry, drawn once per process.
    if (name.startsWith(u"elevate")) {
        static QHash<QString, QIcon> drawn;
        auto it = drawn.find(name);
        if (it == drawn.end()) {
            it = drawn.insert(name, QFile::exists(bundled) ? bundledIcon(bundled) : QIcon());
        }
        return it.value();
    }
    // Standard actions follow the theme; the bundled SVG (drawn when first painted) otherwise.
    return QIcon::fromTheme(name, QFile::exists(bundled) ? QIcon(bundled) : QIcon());
}

} // namespace Elevate::Ui
