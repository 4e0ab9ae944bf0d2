#pragma once

#include "MyRolesModel.h"
#include "PolicyCheck.h"

#include <QDialog>

#include <functional>

class QCheckBox;
class QDateTimeEdit;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QRadioButton;
class QSpinBox;

namespace Elevate {
class Session;
}

namespace Elevate::Ui {

// Activates one or several roles in one go (or extends one active role): duration bounded by
// the smallest maximum of the selected roles' policies, start now or at a time, a justification
// with the recent ones offered (kept in QSettings), the ticket when a policy asks for one, and a
// live pre-flight (core's PolicyCheck with each role's cached policy) that says what is missing;
// "Activate" is enabled only when it passes. Submitting calls Session::activate (or extend), which
// handles the step-up sign-in; the outcome of each role is shown in the dialog, which then offers
// Close. finished(bool) says whether anything was granted or requested.
class ActivateDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ActivateDialog)

public:
    enum class Mode { Activate, Extend };

    ActivateDialog(Session& session,
                   const QList<Models::MyRoleEntry>& roles,
                   Mode mode = Mode::Activate,
                   QWidget* parent = nullptr);
    ~ActivateDialog() override;

    void setClock(std::function<Timestamp()> now);

    // What the pre-flight finds with the current input (empty: ready).
    QStringList missing() const { return m_missing; }
    // The most recent justifications first (at most RecentCount).
    static QStringList recentJustifications();
    static constexpr int RecentCount = 10;

signals:
    // Submitted and answered: true when at least one role was activated or requested.
    void submitted(bool anySucceeded);

private:
    void updatePreflight();
    void submit();
    void showOutcomes(const QStringList& lines, bool anySucceeded, bool allSucceeded);
    ScheduleRequest requestFor(const Models::MyRoleEntry& role) const;
    QString outcomeText(const ActivationOutcome& outcome) const;
    static void rememberJustification(const QString& text);

    Session& m_session;
    QList<Models::MyRoleEntry> m_roles;
    Mode m_mode;
    std::function<Timestamp()> m_now;
    QStringList m_missing;
    bool m_busy = false;
    bool m_done = false;

    QLabel* m_rolesLabel = nullptr;
    QSpinBox* m_duration = nullptr;
    QLabel* m_durationHint = nullptr;
    QRadioButton* m_startNow = nullptr;
    QRadioButton* m_startAt = nullptr;
    QDateTimeEdit* m_startAtEdit = nullptr;
    QLineEdit* m_justification = nullptr;
    QLabel* m_ticketLabel = nullptr;
    QLineEdit* m_ticketSystem = nullptr;
    QLineEdit* m_ticketNumber = nullptr;
    QLabel* m_preflight = nullptr;
    QLabel* m_result = nullptr;
    QDialogButtonBox* m_buttons = nullptr;
    QPushButton* m_activate = nullptr;
    QPushButton* m_close = nullptr;
};

} // namespace Elevate::Ui
