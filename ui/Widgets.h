#pragma once

#include <QAbstractItemView>
#include <QString>

#include <functional>

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

// Asks before an action that cannot be undone: a window-modal question (objectName for tests
// and accessibility) whose default button is Cancel, so Enter never confirms by accident.
// `then` runs only when the user picks `action`; the question deletes itself either way.
void confirmThen(QWidget* parent, const QString& objectName, const QString& question, const QString& consequence,
                 const QString& action, std::function<void()> then);

} // namespace Elevate::Ui
