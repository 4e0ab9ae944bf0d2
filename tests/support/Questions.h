#pragma once
// Answers the console's "are you sure" questions (ui/Widgets.h confirmThen) the way a user
// would: by clicking one of the question's buttons.
#include <QMessageBox>
#include <QPushButton>
#include <QTest>

namespace Elevate::Testing {

// The open question named `name` under `owner`, once it shows (null after 5 s without one).
inline QMessageBox* openQuestion(QWidget* owner, const QString& name)
{
    QMessageBox* box = nullptr;
    const bool shown = QTest::qWaitFor(
        [&] {
            box = owner->findChild<QMessageBox*>(name);
            return box != nullptr && box->isVisible();
        },
        5000);
    return shown ? box : nullptr;
}

// Clicks the question's action (true) or Cancel (false); false when no question was open.
inline bool answerQuestion(QWidget* owner, const QString& name, bool confirm)
{
    QMessageBox* box = openQuestion(owner, name);
    if (!box) {
        return false;
    }
    QAbstractButton* button = confirm ? box->findChild<QPushButton*>(QStringLiteral("confirmButton"))
                                      : box->button(QMessageBox::Cancel);
    if (!button) {
        return false;
    }
    QTest::mouseClick(button, Qt::LeftButton);
    // The question deletes itself when it closes.
    return QTest::qWaitFor([&] { return owner->findChild<QMessageBox*>(name) == nullptr; }, 5000);
}

} // namespace Elevate::Testing
