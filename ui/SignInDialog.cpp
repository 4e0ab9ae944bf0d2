#include "SignInDialog.h"

#include <QApplication>
#include <QClipboard>
#include <QDesktopServices>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QStackedWidget>
#include <QVBoxLayout>

namespace Elevate::Ui {

SignInDialog::SignInDialog(Authority& authority, const QString& claims, QWidget* parent)
    : QDialog(parent)
    , m_authority(authority)
    , m_claims(claims)
{
    setObjectName(QStringLiteral("signInDialog"));
    setWindowTitle(tr("Sign in"));
    setMinimumWidth(460);
    auto* layout = new QVBoxLayout(this);
    m_intro = new QLabel(this);
    m_intro->setWordWrap(true);
    const QString where = authority.profile().name;
    m_intro->setText(claims.isEmpty()
                         ? tr("<b>Sign in to %1</b>").arg(where.toHtmlEscaped())
                         : tr("<b>%1 asks you to confirm who you are</b><br>This action needs a fresh sign-in "
                              "with your second factor.")
                               .arg(where.toHtmlEscaped()));
    layout->addWidget(m_intro);

    m_pages = new QStackedWidget(this);
    auto* browserPage = new QWidget(m_pages);
    auto* browserLayout = new QVBoxLayout(browserPage);
    browserLayout->setContentsMargins(0, 0, 0, 0);
    m_browserText = new QLabel(tr("Your browser has opened the sign-in page. Finish there; this window closes by "
                                  "itself."),
                               browserPage);
    m_browserText->setWordWrap(true);
    browserLayout->addWidget(m_browserText);
    auto* reopen = new QPushButton(tr("Open the Page Again"), browserPage);
    reopen->setObjectName(QStringLiteral("reopenBrowserButton"));
    connect(reopen, &QPushButton::clicked, this, [this] {
        if (m_browserUrl.isValid()) {
            QDesktopServices::openUrl(m_browserUrl);
        }
    });
    browserLayout->addWidget(reopen, 0, Qt::AlignLeft);
    m_pages->addWidget(browserPage);

    auto* codePage = new QWidget(m_pages);
    auto* codeLayout = new QVBoxLayout(codePage);
    codeLayout->setContentsMargins(0, 0, 0, 0);
    m_codeText = new QLabel(codePage);
    m_codeText->setWordWrap(true);
    m_codeText->setTextInteractionFlags(Qt::TextSelectableByMouse);
    codeLayout->addWidget(m_codeText);
    auto* codeRow = new QHBoxLayout;
    m_code = new QLineEdit(codePage);
    m_code->setObjectName(QStringLiteral("userCodeEdit"));
    m_code->setAccessibleName(tr("Sign-in code"));
    m_code->setReadOnly(true);
    QFont big = m_code->font();
    big.setPointSizeF(big.pointSizeF() * 1.6);
    big.setBold(true);
    big.setLetterSpacing(QFont::PercentageSpacing, 115);
    m_code->setFont(big);
    m_code->setAlignment(Qt::AlignCenter);
    codeRow->addWidget(m_code, 1);
    auto* copy = new QPushButton(tr("&Copy Code"), codePage);
    copy->setObjectName(QStringLiteral("copyCodeButton"));
    connect(copy, &QPushButton::clicked, this, [this] { QApplication::clipboard()->setText(m_code->text()); });
    codeRow->addWidget(copy);
    codeLayout->addLayout(codeRow);
    m_openPage = new QPushButton(tr("&Open the Sign-in Page"), codePage);
    m_openPage->setObjectName(QStringLiteral("openVerificationPageButton"));
    connect(m_openPage, &QPushButton::clicked, this, [this] { QDesktopServices::openUrl(m_verificationUri); });
    codeLayout->addWidget(m_openPage, 0, Qt::AlignLeft);
    m_pages->addWidget(codePage);
    layout->addWidget(m_pages);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_useCode = buttons->addButton(tr("Use a Code Instead"), QDialogButtonBox::ActionRole);
    m_useCode->setObjectName(QStringLiteral("useCodeButton"));
    connect(m_useCode, &QPushButton::clicked, this, [this] {
        m_switching = true;
        m_authority.cancel();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &SignInDialog::reject);
    layout->addWidget(buttons);

    connect(&m_authority, &Authority::deviceCodeReceived, this, &SignInDialog::showDeviceCode);
    connect(&m_authority, &Authority::browserRequested, this, [this](const QUrl& url) { m_browserUrl = url; });
    m_finished = connect(&m_authority, &Authority::finished, this, &SignInDialog::finished);
}

SignInDialog::~SignInDialog()
{
    disconnect(m_finished);
    if (m_done) {
        m_authority.cancel();
    }
}

void SignInDialog::start(Method method, Credentials::Done done)
{
    m_done = std::move(done);
    begin(method);
}

QString SignInDialog::userCode() const
{
    return m_code->text();
}

void SignInDialog::begin(Method method)
{
    if (method == Method::Browser) {
        m_pages->setCurrentIndex(0);
        m_useCode->show();
        m_authority.startInteractive(m_claims, m_claims.isEmpty() ? QString() : QStringLiteral("login"));
    } else {
        m_pages->setCurrentIndex(1);
        m_useCode->hide();
        m_codeText->setText(tr("Asking the server for a code…"));
        m_authority.startDeviceCode(m_claims);
    }
}

void SignInDialog::showDeviceCode(const DeviceCodePrompt& prompt)
{
    m_pages->setCurrentIndex(1);
    m_useCode->hide();
    m_verificationUri = prompt.verificationUri;
    m_code->setText(prompt.userCode);
    m_codeText->setText(tr("On any device, open <a href=\"%1\">%2</a> and enter this code:")
                            .arg(prompt.verificationUri.toString(QUrl::FullyEncoded).toHtmlEscaped(),
                                 prompt.verificationUri.toDisplayString().toHtmlEscaped()));
    m_codeText->setOpenExternalLinks(true);
    m_code->setFocus();
    m_code->selectAll();
}

void SignInDialog::finished(const AuthResult& result)
{
    if (m_switching && result.kind == AuthErrorKind::Canceled) {
        m_switching = false;
        begin(Method::DeviceCode);
        return;
    }
    if (result.kind == AuthErrorKind::Browser) {
        // No browser here: the code works from any other device.
        begin(Method::DeviceCode);
        return;
    }
    Credentials::Done done = std::move(m_done);
    m_done = nullptr;
    if (done) {
        done(result);
    }
    if (result.ok()) {
        accept();
    } else {
        QDialog::reject();
    }
}

void SignInDialog::reject()
{
    // Cancelling the flow answers through finished() with Canceled.
    m_switching = false;
    if (m_done) {
        m_authority.cancel();
    }
    QDialog::reject();
}

Credentials::InteractiveSignIn SignInDialog::handler(QWidget* parent)
{
    QPointer<QWidget> guard(parent);
    return [guard](Authority& authority, const QString& claims, Credentials::Done done) {
        auto* dialog = new SignInDialog(authority, claims, guard.data());
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->setWindowModality(Qt::WindowModal);
        dialog->show();
        dialog->start(Method::Browser, std::move(done));
    };
}

} // namespace Elevate::Ui
