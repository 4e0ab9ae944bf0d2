#include "ActivateDialog.h"

#include "Format.h"
#include "Session.h"

#include <QCompleter>
#include <QDateTimeEdit>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QRadioButton>
#include <QSettings>
#include <QSpinBox>
#include <QStringListModel>
#include <QVBoxLayout>

namespace Elevate::Ui {

namespace {

const QString RecentKey = QStringLiteral("roles/recentJustifications");
// Entra's ceiling for a self-activation when the policy is not known.
constexpr int DefaultMaximumMinutes = 24 * 60;

} // namespace

ActivateDialog::ActivateDialog(Session& session, const QList<Models::MyRoleEntry>& roles, Mode mode, QWidget* parent)
    : QDialog(parent)
    , m_session(session)
    , m_roles(roles)
    , m_mode(mode)
    , m_now([] { return Timestamp::fromDateTime(QDateTime::currentDateTimeUtc()); })
{
    setObjectName(QStringLiteral("activateDialog"));
    setWindowTitle(mode == Mode::Extend ? tr("Extend role") : tr("Activate roles"));

    QStringList names;
    int maxMinutes = DefaultMaximumMinutes;
    bool ticket = false;
    bool anyUnknownPolicy = false;
    for (const Models::MyRoleEntry& r : m_roles) {
        names << r.target.displayName;
        if (const auto max = r.maximumDuration()) {
            maxMinutes = qMin<int>(maxMinutes, int(max->minutes()));
        }
        ticket = ticket || r.needs(EnablementRequirement::Ticketing);
        anyUnknownPolicy = anyUnknownPolicy || !r.policy;
    }
    maxMinutes = qMax(maxMinutes, 5);

    m_rolesLabel = new QLabel(names.join(QStringLiteral(", ")), this);
    m_rolesLabel->setObjectName(QStringLiteral("rolesLabel"));
    m_rolesLabel->setWordWrap(true);

    m_duration = new QSpinBox(this);
    m_duration->setObjectName(QStringLiteral("durationSpin"));
    m_duration->setAccessibleName(tr("Duration in minutes"));
    m_duration->setRange(qMin(15, maxMinutes), maxMinutes);
    m_duration->setSingleStep(30);
    m_duration->setSuffix(tr(" min"));
    m_duration->setValue(qMin(60, maxMinutes));
    m_durationHint = new QLabel(this);
    m_durationHint->setObjectName(QStringLiteral("durationHint"));
    auto* durationRow = new QHBoxLayout;
    durationRow->addWidget(m_duration);
    durationRow->addWidget(m_durationHint, 1);

    m_startNow = new QRadioButton(tr("&Now"), this);
    m_startNow->setObjectName(QStringLiteral("startNowRadio"));
    m_startNow->setChecked(true);
    m_startAt = new QRadioButton(tr("&At"), this);
    m_startAt->setObjectName(QStringLiteral("startAtRadio"));
    m_startAtEdit = new QDateTimeEdit(QDateTime::currentDateTime().addSecs(3600), this);
    m_startAtEdit->setObjectName(QStringLiteral("startAtEdit"));
    m_startAtEdit->setAccessibleName(tr("Start time"));
    m_startAtEdit->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm"));
    m_startAtEdit->setCalendarPopup(true);
    m_startAtEdit->setEnabled(false);
    auto* startRow = new QHBoxLayout;
    startRow->addWidget(m_startNow);
    startRow->addWidget(m_startAt);
    startRow->addWidget(m_startAtEdit, 1);

    m_justification = new QLineEdit(this);
    m_justification->setObjectName(QStringLiteral("justificationEdit"));
    m_justification->setAccessibleName(tr("Justification"));
    m_justification->setPlaceholderText(tr("Why you need it; recent reasons are offered as you type"));
    m_justification->setMaxLength(int(PolicyCheck::MaxJustificationLength) + 100);
    auto* completer = new QCompleter(new QStringListModel(recentJustifications(), this), this);
    completer->setObjectName(QStringLiteral("justificationCompleter"));
    completer->setCaseSensitivity(Qt::CaseInsensitive);
    completer->setFilterMode(Qt::MatchContains);
    m_justification->setCompleter(completer);

    m_ticketSystem = new QLineEdit(this);
    m_ticketSystem->setObjectName(QStringLiteral("ticketSystemEdit"));
    m_ticketSystem->setAccessibleName(tr("Ticket system"));
    m_ticketSystem->setPlaceholderText(tr("System, e.g. ServiceNow"));
    m_ticketNumber = new QLineEdit(this);
    m_ticketNumber->setObjectName(QStringLiteral("ticketNumberEdit"));
    m_ticketNumber->setAccessibleName(tr("Ticket number"));
    m_ticketNumber->setPlaceholderText(tr("Number, e.g. CHG-1234"));
    auto* ticketRow = new QHBoxLayout;
    ticketRow->addWidget(m_ticketSystem);
    ticketRow->addWidget(m_ticketNumber);

    m_preflight = new QLabel(this);
    m_preflight->setObjectName(QStringLiteral("preflightLabel"));
    m_preflight->setWordWrap(true);
    m_preflight->setTextFormat(Qt::RichText);
    m_preflight->setMinimumWidth(420);

    m_result = new QLabel(this);
    m_result->setObjectName(QStringLiteral("resultLabel"));
    m_result->setWordWrap(true);
    m_result->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_result->hide();

    m_buttons = new QDialogButtonBox(this);
    m_activate
        = m_buttons->addButton(mode == Mode::Extend ? tr("&Extend") : tr("&Activate"), QDialogButtonBox::AcceptRole);
    m_activate->setObjectName(QStringLiteral("activateButton"));
    m_activate->setDefault(true);
    m_close = m_buttons->addButton(QDialogButtonBox::Cancel);
    m_close->setObjectName(QStringLiteral("closeButton"));
    connect(m_activate, &QPushButton::clicked, this, &ActivateDialog::submit);
    connect(m_close, &QPushButton::clicked, this, &QDialog::reject);

    auto* form = new QFormLayout;
    form->addRow(mode == Mode::Extend ? tr("Extend:") : tr("Activate:"), m_rolesLabel);
    form->addRow(tr("&Duration:"), durationRow);
    form->addRow(tr("Start:"), startRow);
    form->addRow(tr("&Justification:"), m_justification);
    form->addRow(tr("&Ticket:"), ticketRow);
    form->setRowVisible(ticketRow, ticket);
    form->setRowVisible(startRow, mode == Mode::Activate);
    // Buddies: Alt+D, Alt+J, Alt+T reach the fields.
    for (QWidget* field : { static_cast<QWidget*>(m_duration),
                            static_cast<QWidget*>(m_justification),
                            static_cast<QWidget*>(m_ticketSystem) }) {
        if (auto* label = qobject_cast<QLabel*>(form->labelForField(field))) {
            label->setBuddy(field);
        }
    }
    if (auto* label = qobject_cast<QLabel*>(form->labelForField(durationRow))) {
        label->setBuddy(m_duration);
    }
    if (auto* label = qobject_cast<QLabel*>(form->labelForField(ticketRow))) {
        label->setBuddy(m_ticketSystem);
    }

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    if (anyUnknownPolicy) {
        auto* note = new QLabel(tr("Some policies are not in the offline cache yet; the server checks them when you "
                                   "submit."),
                                this);
        note->setObjectName(QStringLiteral("policyUnknownLabel"));
        note->setWordWrap(true);
        layout->addWidget(note);
    }
    layout->addWidget(m_preflight);
    layout->addWidget(m_result);
    layout->addWidget(m_buttons);

    setTabOrder(m_duration, m_startNow);
    setTabOrder(m_startNow, m_startAt);
    setTabOrder(m_startAt, m_startAtEdit);
    setTabOrder(m_startAtEdit, m_justification);
    setTabOrder(m_justification, m_ticketSystem);
    setTabOrder(m_ticketSystem, m_ticketNumber);

    connect(m_startAt, &QRadioButton::toggled, m_startAtEdit, &QWidget::setEnabled);
    connect(m_duration, &QSpinBox::valueChanged, this, &ActivateDialog::updatePreflight);
    connect(m_startAt, &QRadioButton::toggled, this, &ActivateDialog::updatePreflight);
    connect(m_startAtEdit, &QDateTimeEdit::dateTimeChanged, this, &ActivateDialog::updatePreflight);
    for (QLineEdit* edit : { m_justification, m_ticketSystem, m_ticketNumber }) {
        connect(edit, &QLineEdit::textChanged, this, &ActivateDialog::updatePreflight);
    }
    m_justification->setFocus();
    updatePreflight();
}

ActivateDialog::~ActivateDialog() = default;

void ActivateDialog::setClock(std::function<Timestamp()> now)
{
    m_now = std::move(now);
    updatePreflight();
}

QStringList ActivateDialog::recentJustifications()
{
    return QSettings().value(RecentKey).toStringList();
}

void ActivateDialog::rememberJustification(const QString& text)
{
    const QString t = text.trimmed();
    if (t.isEmpty()) {
        return;
    }
    QStringList recent = recentJustifications();
    recent.removeAll(t);
    recent.prepend(t);
    while (recent.size() > RecentCount) {
        recent.removeLast();
    }
    QSettings().setValue(RecentKey, recent);
}

ScheduleRequest ActivateDialog::requestFor(const Models::MyRoleEntry& role) const
{
    // The body Session builds (Session::activateOne / extend), for the same PolicyCheck.
    ScheduleRequest body;
    body.kind = role.target.kind;
    body.action = m_mode == Mode::Extend ? RequestAction::SelfExtend : RequestAction::SelfActivate;
    if (role.target.kind == PimKind::Group) {
        body.groupId = role.target.id;
        body.accessId = role.target.access;
    } else {
        body.roleDefinitionId = role.target.id;
        body.directoryScopeId = role.target.directoryScopeId;
    }
    body.justification = m_justification->text();
    body.ticketInfo = { m_ticketNumber->text(), m_ticketSystem->text() };
    ScheduleInfo schedule;
    if (m_mode == Mode::Activate && m_startAt->isChecked()) {
        schedule.startDateTime = Timestamp::fromDateTime(m_startAtEdit->dateTime().toUTC());
    }
    schedule.expiration.type = ExpirationType::AfterDuration;
    schedule.expiration.duration = IsoDuration::fromMinutes(m_duration->value());
    body.scheduleInfo = schedule;
    return body;
}

void ActivateDialog::updatePreflight()
{
    m_durationHint->setText(tr("%1 (at most %2)")
                                .arg(Models::Format::duration(qint64(m_duration->value()) * 60),
                                     Models::Format::duration(qint64(m_duration->maximum()) * 60)));
    m_missing.clear();
    QStringList notes;
    const Timestamp now = m_now();
    for (const Models::MyRoleEntry& role : m_roles) {
        if (!role.policy) {
            continue;
        }
        SessionFacts facts;
        // MFA and authentication context are judged by the server from the token; a challenge
        // becomes a step-up sign-in inside Session, so they are notes here, not blockers.
        facts.multiFactor = true;
        if (const AuthenticationContextRule* acrs
            = role.policy->authenticationContextRule(RuleIds::AuthenticationContextEndUserAssignment)) {
            facts.authContexts << acrs->claimValue;
        }
        const PolicyCheckResult check = PolicyCheck::check(requestFor(role), *role.policy, facts, now);
        for (const PolicyViolation& v : check.violations) {
            if (v.rule != u"MfaRule" && v.rule != u"AcrsRule" && !m_missing.contains(v.message)) {
                m_missing << v.message;
            }
        }
        if (check.approvalRequired) {
            notes << tr("%1 needs approval before it becomes active.").arg(role.target.displayName);
        }
        if (role.needs(EnablementRequirement::MultiFactorAuthentication)) {
            notes
                << tr("%1 may ask you to sign in again with multi-factor authentication.").arg(role.target.displayName);
        }
    }
    if (m_mode == Mode::Activate && m_startAt->isChecked()
        && m_startAtEdit->dateTime().toUTC() < QDateTime::currentDateTimeUtc()) {
        m_missing << tr("Pick a start time in the future, or start now.");
    }
    QString html;
    if (!m_missing.isEmpty()) {
        html = tr("<b>Before you can submit:</b>") + QStringLiteral("<ul style=\"margin:0\">");
        for (const QString& m : m_missing) {
            html += QStringLiteral("<li>") + m.toHtmlEscaped() + QStringLiteral("</li>");
        }
        html += QStringLiteral("</ul>");
    } else {
        html = m_mode == Mode::Extend ? tr("<b>Ready to extend.</b>") : tr("<b>Ready to activate.</b>");
    }
    for (const QString& n : notes) {
        html += QStringLiteral("<br>") + n.toHtmlEscaped();
    }
    m_preflight->setText(html);
    m_preflight->setAccessibleDescription(m_missing.join(u'\n'));
    m_activate->setEnabled(m_missing.isEmpty() && !m_busy && !m_done);
}

void ActivateDialog::submit()
{
    updatePreflight();
    if (!m_missing.isEmpty() || m_busy || m_done) {
        return;
    }
    m_busy = true;
    m_activate->setEnabled(false);
    for (QWidget* w : { static_cast<QWidget*>(m_duration),
                        static_cast<QWidget*>(m_justification),
                        static_cast<QWidget*>(m_ticketSystem),
                        static_cast<QWidget*>(m_ticketNumber),
                        static_cast<QWidget*>(m_startNow),
                        static_cast<QWidget*>(m_startAt),
                        static_cast<QWidget*>(m_startAtEdit) }) {
        w->setEnabled(false);
    }
    m_result->setText(tr("Sending…"));
    m_result->show();
    rememberJustification(m_justification->text());

    QPointer<ActivateDialog> self(this);
    if (m_mode == Mode::Extend) {
        const Models::MyRoleEntry& role = m_roles.first();
        m_session.extend(role.sessionName(),
                         IsoDuration::fromMinutes(m_duration->value()),
                         m_justification->text(),
                         TicketInfo{ m_ticketNumber->text(), m_ticketSystem->text() },
                         [self](const SessionReply<ScheduleRequest>& r) {
                             if (self) {
                                 self->showOutcomes({ r.message }, r.ok(), r.ok());
                             }
                         });
        return;
    }
    ActivationRequest request;
    for (const Models::MyRoleEntry& role : m_roles) {
        request.roles << role.sessionName();
    }
    request.duration = IsoDuration::fromMinutes(m_duration->value());
    request.justification = m_justification->text().trimmed();
    request.ticket = { m_ticketNumber->text().trimmed(), m_ticketSystem->text().trimmed() };
    if (m_startAt->isChecked()) {
        request.start = Timestamp::fromDateTime(m_startAtEdit->dateTime().toUTC());
    }
    m_session.activate(request, [self](const SessionReply<QList<ActivationOutcome>>& r) {
        if (!self) {
            return;
        }
        QStringList lines;
        bool any = false;
        bool all = !r.value.isEmpty();
        for (const ActivationOutcome& o : r.value) {
            const bool ok = o.outcome == SessionOutcome::Done;
            any = any || ok;
            all = all && ok;
            lines << (ok ? QStringLiteral("✔ ") : QStringLiteral("✖ ")) + (ok ? self->outcomeText(o) : o.message);
        }
        if (r.value.isEmpty()) {
            lines << r.message;
            all = false;
        }
        self->showOutcomes(lines, any, all);
    });
}

QString ActivateDialog::outcomeText(const ActivationOutcome& outcome) const
{
    const QString name = outcome.target.displayName;
    if (!outcome.request) {
        return outcome.message;
    }
    const ScheduleRequest& r = *outcome.request;
    const Timestamp start
        = r.scheduleInfo && !r.scheduleInfo->startDateTime.isNull() ? r.scheduleInfo->startDateTime : m_now();
    const Timestamp end = r.scheduleInfo && r.scheduleInfo->expiration.duration
        ? start.plus(*r.scheduleInfo->expiration.duration)
        : Timestamp();
    switch (r.status) {
    case RequestStatus::Provisioned:
        return end.isNull() ? tr("%1 is active now.").arg(name)
                            : tr("%1 is active now, until %2.").arg(name, Models::Format::dateTime(end));
    case RequestStatus::PendingApproval:
    case RequestStatus::PendingAdminDecision:
        return tr("%1 waits for approval; you will be told when it is decided.").arg(name);
    case RequestStatus::Granted:
    case RequestStatus::ScheduleCreated:
    case RequestStatus::PendingScheduleCreation:
        return tr("%1 is scheduled from %2.").arg(name, Models::Format::dateTime(start));
    default:
        return outcome.message;
    }
}

void ActivateDialog::showOutcomes(const QStringList& lines, bool anySucceeded, bool allSucceeded)
{
    m_busy = false;
    m_done = anySucceeded;
    m_result->setText(lines.join(u'\n'));
    m_result->setAccessibleDescription(m_result->text());
    if (anySucceeded) {
        m_activate->hide();
        m_close->setText(tr("Close"));
        m_close->setDefault(true);
        m_close->setFocus();
        m_preflight->setText(allSucceeded ? tr("<b>Done.</b>")
                                          : tr("<b>Some roles were not activated; see why below.</b>"));
    } else {
        // Nothing went through: the input stays editable so the user can fix it and retry.
        for (QWidget* w : { static_cast<QWidget*>(m_duration),
                            static_cast<QWidget*>(m_justification),
                            static_cast<QWidget*>(m_ticketSystem),
                            static_cast<QWidget*>(m_ticketNumber),
                            static_cast<QWidget*>(m_startNow),
                            static_cast<QWidget*>(m_startAt) }) {
            w->setEnabled(true);
        }
        m_startAtEdit->setEnabled(m_startAt->isChecked());
        updatePreflight();
    }
    emit submitted(anySucceeded);
}

} // namespace Elevate::Ui
