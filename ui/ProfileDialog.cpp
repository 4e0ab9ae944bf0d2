#include "ProfileDialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QStackedWidget>
#include <QUuid>
#include <QVBoxLayout>

namespace Elevate::Ui {

ProfileDialog::ProfileDialog(const QStringList& taken, QWidget* parent)
    : QDialog(parent)
    , m_taken(taken)
{
    setObjectName(QStringLiteral("profileDialog"));
    setWindowTitle(tr("Add a Profile"));
    setMinimumWidth(480);
    auto* layout = new QVBoxLayout(this);

    auto* form = new QFormLayout;
    m_name = new QLineEdit(this);
    m_name->setObjectName(QStringLiteral("profileNameEdit"));
    m_name->setPlaceholderText(tr("e.g. contoso"));
    m_name->setAccessibleName(tr("Profile name"));
    form->addRow(tr("&Name:"), m_name);
    m_entra = new QRadioButton(tr("Microsoft &Entra ID tenant"), this);
    m_entra->setObjectName(QStringLiteral("entraRadio"));
    m_elevated = new QRadioButton(tr("Self-hosted &elevated server"), this);
    m_elevated->setObjectName(QStringLiteral("elevatedRadio"));
    m_entra->setChecked(true);
    auto* kinds = new QVBoxLayout;
    kinds->addWidget(m_entra);
    kinds->addWidget(m_elevated);
    form->addRow(tr("Backend:"), kinds);
    layout->addLayout(form);

    m_kindPages = new QStackedWidget(this);
    auto* entraPage = new QWidget(m_kindPages);
    auto* entraForm = new QFormLayout(entraPage);
    entraForm->setContentsMargins(0, 0, 0, 0);
    m_cloud = new QComboBox(entraPage);
    m_cloud->setObjectName(QStringLiteral("cloudCombo"));
    m_cloud->addItem(tr("Global"), QStringLiteral("global"));
    m_cloud->addItem(tr("US Government (GCC High)"), QStringLiteral("usgov"));
    m_cloud->addItem(tr("US Government (DoD)"), QStringLiteral("usgov-dod"));
    m_cloud->addItem(tr("China (21Vianet)"), QStringLiteral("china"));
    entraForm->addRow(tr("&Cloud:"), m_cloud);
    m_tenant = new QLineEdit(entraPage);
    m_tenant->setObjectName(QStringLiteral("tenantEdit"));
    m_tenant->setPlaceholderText(tr("contoso.onmicrosoft.com or the tenant ID"));
    entraForm->addRow(tr("&Tenant:"), m_tenant);
    m_clientId = new QLineEdit(entraPage);
    m_clientId->setObjectName(QStringLiteral("clientIdEdit"));
    m_clientId->setPlaceholderText(tr("optional: your organisation's app registration"));
    entraForm->addRow(tr("C&lient ID:"), m_clientId);
    m_kindPages->addWidget(entraPage);

    auto* elevatedPage = new QWidget(m_kindPages);
    auto* elevatedForm = new QFormLayout(elevatedPage);
    elevatedForm->setContentsMargins(0, 0, 0, 0);
    m_url = new QLineEdit(elevatedPage);
    m_url->setObjectName(QStringLiteral("serverUrlEdit"));
    m_url->setPlaceholderText(QStringLiteral("https://pim.example.org"));
    elevatedForm->addRow(tr("Server &address:"), m_url);
    m_kindPages->addWidget(elevatedPage);
    layout->addWidget(m_kindPages);

    m_problem = new QLabel(this);
    m_problem->setObjectName(QStringLiteral("profileProblemLabel"));
    m_problem->setWordWrap(true);
    layout->addWidget(m_problem);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Add Profile"));
    m_buttons->button(QDialogButtonBox::Ok)->setObjectName(QStringLiteral("addProfileButton"));
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(m_buttons);

    connect(m_entra, &QRadioButton::toggled, this, [this](bool entra) {
        m_kindPages->setCurrentIndex(entra ? 0 : 1);
        validate();
    });
    for (QLineEdit* edit : {m_name, m_tenant, m_clientId, m_url}) {
        connect(edit, &QLineEdit::textChanged, this, &ProfileDialog::validate);
    }
    validate();
}

Profile ProfileDialog::profile() const
{
    const QString name = m_name->text().trimmed();
    Profile p;
    if (m_entra->isChecked()) {
        const EntraCloud cloud = Profile::parseCloud(m_cloud->currentData().toString()).value_or(EntraCloud::Global);
        p = Profile::entra(name, m_tenant->text().trimmed(), cloud, m_clientId->text().trimmed());
    } else {
        p = Profile::elevated(name, QUrl::fromUserInput(m_url->text().trimmed()));
    }
    p.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    return p;
}

QString ProfileDialog::problem() const
{
    const QString name = m_name->text().trimmed();
    if (name.isEmpty()) {
        return tr("Give the profile a name.");
    }
    if (!Profile::isValidName(name)) {
        return tr("A profile name uses letters, digits, '.', '-' and '_'.");
    }
    if (m_taken.contains(name)) {
        return tr("There is already a profile called %1.").arg(name);
    }
    if (m_entra->isChecked()) {
        if (m_tenant->text().trimmed().isEmpty()) {
            return tr("Enter the tenant's domain or ID.");
        }
    } else {
        const QUrl url = QUrl::fromUserInput(m_url->text().trimmed());
        if (m_url->text().trimmed().isEmpty() || !url.isValid()) {
            return tr("Enter the server's address.");
        }
        if (!Profile::isAcceptableEndpoint(url)) {
            return tr("The server's address must start with https:// (plain http only on this computer).");
        }
    }
    // What the profile itself refuses (client id shape, ...), in its own words.
    return profile().validate();
}

void ProfileDialog::validate()
{
    const QString p = problem();
    m_problem->setText(p);
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(p.isEmpty());
}

} // namespace Elevate::Ui
