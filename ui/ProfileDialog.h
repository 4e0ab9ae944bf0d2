#pragma once

#include "Profile.h"

#include <QDialog>
#include <QStringList>

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QRadioButton;
class QStackedWidget;

namespace Elevate::Ui {

// Adds a profile: a Microsoft Entra tenant (cloud, tenant, optional client id) or an elevated
// server (its HTTPS address). OK is enabled only for a usable profile; the label under the
// form says what is missing.
class ProfileDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ProfileDialog)

public:
    // `taken`: names already used (a new profile needs its own).
    explicit ProfileDialog(const QStringList& taken, QWidget* parent = nullptr);

    Profile profile() const;
    // Empty when profile() can be saved, else a sentence saying what to fix.
    QString problem() const;

private:
    void validate();

    QStringList m_taken;
    QLineEdit* m_name = nullptr;
    QRadioButton* m_entra = nullptr;
    QRadioButton* m_elevated = nullptr;
    QStackedWidget* m_kindPages = nullptr;
    QComboBox* m_cloud = nullptr;
    QLineEdit* m_tenant = nullptr;
    QLineEdit* m_clientId = nullptr;
    QLineEdit* m_url = nullptr;
    QLabel* m_problem = nullptr;
    QDialogButtonBox* m_buttons = nullptr;
};

} // namespace Elevate::Ui
