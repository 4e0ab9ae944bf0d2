#include "Widgets.h"

#include <QHeaderView>
#include <QLineEdit>
#include <QTreeView>

namespace Elevate::Ui {

QTreeView* makeListView(const QString& objectName, const QString& accessibleName, QWidget* parent,
                        QAbstractItemView::SelectionMode selection)
{
    auto* view = new QTreeView(parent);
    view->setObjectName(objectName);
    view->setAccessibleName(accessibleName);
    view->setRootIsDecorated(false);
    view->setUniformRowHeights(true);
    view->setAlternatingRowColors(true);
    view->setAllColumnsShowFocus(true);
    view->setSelectionMode(selection);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setSortingEnabled(true);
    view->header()->setStretchLastSection(true);
    return view;
}

QLineEdit* makeFilterEdit(const QString& objectName, const QString& accessibleName, const QString& placeholder,
                          QWidget* parent)
{
    auto* edit = new QLineEdit(parent);
    edit->setObjectName(objectName);
    edit->setAccessibleName(accessibleName);
    edit->setPlaceholderText(placeholder);
    edit->setClearButtonEnabled(true);
    edit->setMinimumWidth(std::max(240, edit->fontMetrics().horizontalAdvance(placeholder) + 48));
    return edit;
}

} // namespace Elevate::Ui
