#include "Widgets.h"

#include <QApplication>
#include <QHeaderView>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
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

void confirmThen(QWidget* parent, const QString& objectName, const QString& question, const QString& consequence,
                 const QString& action, std::function<void()> then)
{
    auto* box = new QMessageBox(QMessageBox::Question, QApplication::applicationDisplayName(), question,
                                QMessageBox::NoButton, parent);
    box->setObjectName(objectName);
    box->setInformativeText(consequence);
    box->setWindowModality(Qt::WindowModal);
    box->setAttribute(Qt::WA_DeleteOnClose);
    QPushButton* confirm = box->addButton(action, QMessageBox::DestructiveRole);
    confirm->setObjectName(QStringLiteral("confirmButton"));
    QPushButton* cancel = box->addButton(QMessageBox::Cancel);
    box->setDefaultButton(cancel);
    box->setEscapeButton(cancel);
    QObject::connect(box, &QMessageBox::buttonClicked, box, [confirm, then = std::move(then)](QAbstractButton* b) {
        if (b == confirm) {
            then();
        }
    });
    box->open();
}

} // namespace Elevate::Ui
