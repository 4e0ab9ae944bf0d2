#pragma once

#include "Credentials.h"

#include <QDialog>

class QLabel;
class QLineEdit;
class QPushButton;
class QStackedWidget;

namespace Elevate::Ui {

// The interactive sign-in of one profile: the system browser with PKCE by default, or a device
// code shown with a copy button ("Use a code instead", and the only way where no browser opens).
// Used as Credentials' interactive sign-in: start() runs one flow and answers `done` exactly
// once (success, failure or the user's cancel). `claims` is a step-up challenge, when there is one.
class SignInDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SignInDialog)

public:
    enum class Method { Browser, DeviceCode };

    SignInDialog(Authority& authority, const QString& claims, QWidget* parent = nullptr);
    ~SignInDialog() override;

    void start(Method method, Credentials::Done done);
    QString userCode() const;

    // A Credentials::InteractiveSignIn that shows this dialog over `parent`.
    static Credentials::InteractiveSignIn handler(QWidget* parent);

    // Cancels the flow (done answers Canceled) and closes.
    void reject() override;

private:
    void begin(Method method);
    void finished(const AuthResult& result);
    void showDeviceCode(const DeviceCodePrompt& prompt);

    Authority& m_authority;
    QString m_claims;
    Credentials::Done m_done;
    QMetaObject::Connection m_finished;
    bool m_switching = false;
    QLabel* m_intro = nullptr;
    QStackedWidget* m_pages = nullptr;
    QLabel* m_browserText = nullptr;
    QLineEdit* m_code = nullptr;
    QLabel* m_codeText = nullptr;
    QPushButton* m_openPage = nullptr;
    QPushButton* m_useCode = nullptr;
    QUrl m_verificationUri;
    QUrl m_browserUrl;
};

} // namespace Elevate::Ui
