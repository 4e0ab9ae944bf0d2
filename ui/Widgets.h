#pragma once

#include <QAbstractItemView>
#include <QString>

class QLineEdit;
class QTreeView;
class QWidget;

namespace Elevate::Ui {

// The panes' common widgets, set up alike so every list reads and behaves the same: flat rows,
// whole-row selection and focus, alternating colours, sortable headers.
QTreeView* makeListView(const QString& objectName, const QString& accessibleName, QWidget* parent,
                        QAbstractItemView::SelectionMode selection = QAbstractItemView::ExtendedSelection);

// A search field with a clear button, wide enough for its placeholder.
QLineEdit* makeFilterEdit(const QString& objectName, const QString& accessibleName, const QString& placeholder,
                          QWidget* parent);

} // namespace Elevate::Ui
