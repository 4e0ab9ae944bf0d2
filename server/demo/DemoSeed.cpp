#include "DemoSeed.h"

#include "AuditLog.h"
#include "BuiltInRoles.h"
#include "Clock.h"
#include "Database.h"
#include "Engine.h"
#include "EngineSupport.h"
#include "IdentityService.h"

#include <QUuid>

#include <random>

namespace Elevate::Server {

using namespace EngineSupport;

namespace {

// The demo's activation policy for one built-in role (BuiltInRoles.cpp has its name).
struct DemoRole
{
    const char* id;
    int maxHours;
    bool ticket;
    bool mfa;
    int approvers; // 0 = no approval
    int approvalsNeeded;
};

const DemoRole Roles[] = {
    {"62e90394-69f5-4237-9190-012177145e10", 2, false, true, 3, 2},
    {"e8611ab8-c189-46e8-94e1-60213ab1f814", 4, true, true, 1, 1},
    {"194ae4cb-b126-40b2-bd5b-6091b380977d", 4, true, false, 1, 1},
    {"29232cdf-9323-42fd-ade2-1d097af3e4de", 8, false, false, 0, 0},
    {"fe930be7-5e62-47db-91af-98c3a49a38b1", 8, true, false, 0, 0},
    {"729827e3-9c14-49f7-bb1b-9608f156bbb8", 8, false, false, 0, 0},
    {"f28a1f50-f6e7-4571-818b-6a12f2af6b6c", 8, false, false, 0, 0},
    {"69091246-20e8-4a56-aa4d-066075b2a7a8", 8, false, false, 0, 0},
    {"3a2c62db-5318-420d-8d74-23affee5d9d5", 6, true, false, 0, 0},
    {"9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3", 4, false, true, 1, 1},
    {"b0f54661-2d74-4c50-afa3-1ec803f12efe", 8, false, false, 0, 0},
    {"5d6b6bb7-de71-4623-b4af-96380a352509", 8, false, false, 0, 0},
    {"f2ef992c-3afb-46b9-b7cf-a126ee74c451", 8, false, false, 0, 0},
    {"b1be1c3e-b65d-4f19-8427-f6fa0d97feb9", 4, true, true, 1, 1},
    {"c4e39bd9-1100-46d3-8c65-fb160da0071f", 8, false, false, 0, 0},
};

const char* const FirstNames[] = {"Alex", "Megan", "Diego", "Isaiah", "Adele", "Lynne", "Nestor", "Patti", "Pradeep",
                                  "Lidia", "Johanna", "Joni", "Miriam", "Grady", "Henrietta", "Irvin", "Lee", "Emily",
                                  "Christie", "Debra", "Enrico", "Allan", "Bianca", "Cameron", "Delia", "Ferris",
                                  "Gwen", "Hassan", "Ines", "Jonas", "Kemal", "Laila", "Mateo", "Nadia", "Oskar",
                                  "Priya", "Quentin", "Rosa", "Sven", "Tomasz"};
const char* const LastNames[] = {"Wilber", "Bowen", "Siciliani", "Stevens", "Vance", "Robbins", "Wilke", "Fernandez",
                                 "Gupta", "Holloway", "Lauer", "Sherman", "Graham", "Archie", "Cerny", "Sayers", "Gu",
                                 "Braun", "Cline", "Berger", "Catteneo", "Deyoung", "Pagani", "Reyes", "Marsh", "Quinn",
                                 "Okafor", "Nasser", "Duarte", "Lind", "Aydin", "Haddad", "Ruiz", "Petrova", "Berg",
                                 "Iyer", "Moreau", "Santos", "Olsen", "Nowak"};

const char* const Reasons[] = {"Investigating sign-in alerts for the finance team",
                               "Quarterly mailbox migration, batch %1",
                               "Reset MFA for a locked-out executive",
                               "Rotate app secrets before expiry",
                               "Incident INC-%1: suspicious OAuth consent",
                               "Onboard new hires in bulk",
                               "Update conditional access for contractors",
                               "Review guest access in Teams",
                               "Renew SharePoint site collection admins",
                               "Patch Tuesday device compliance checks"};

QString userNameOf(int i)
{
    return QString::fromLatin1(FirstNames[i]).toLower();
}

} // namespace

DemoSeed::DemoSeed(Database& db, Engine& engine, IdentityService& identity, const Clock& clock)
    : m_db(db)
    , m_engine(engine)
    , m_identity(identity)
    , m_clock(clock)
{
}

QList<DemoSeed::Persona> DemoSeed::personas()
{
    return {{QStringLiteral("requester"), QStringLiteral("alex"), QStringLiteral("Alex Wilber")},
            {QStringLiteral("approver"), QStringLiteral("megan"), QStringLiteral("Megan Bowen")},
            {QStringLiteral("reviewer"), QStringLiteral("diego"), QStringLiteral("Diego Siciliani")},
            {QStringLiteral("auditor"), QStringLiteral("isaiah"), QStringLiteral("Isaiah Stevens")},
            {QStringLiteral("admin"), QStringLiteral("adele"), QStringLiteral("Adele Vance")}};
}

bool DemoSeed::seed(QString* error, int historyDays)
{
    auto fail = [&](const QString& why) {
        if (error) {
            *error = why;
        }
        return false;
    };
    if (m_db.scalar(QStringLiteral("SELECT COUNT(*) FROM users")).toLongLong() > 0) {
        return fail(QStringLiteral("the database already holds users; the demo seeds an empty one"));
    }
    // A throwaway database: no fsync per statement while loading it.
    m_db.setDurable(false);
    std::mt19937 rng(20260302);
    auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };

    // People. Demo passwords use cheap hashing parameters: they are published anyway.
    const QString password = QString::fromLatin1(Password);
    QStringList ids;
    constexpr int People = 40;
    for (int i = 0; i < People; ++i) {
        const bool admin = i == 4;
        const bool auditor = i == 3 || i == 4;
        AccountError accountError = AccountError::None;
        const QString id = m_identity.addUser(userNameOf(i), QString::fromLatin1(FirstNames[i]) + u' ' + QString::fromLatin1(LastNames[i]),
                                              password, admin, auditor, &accountError);
        if (id.isEmpty()) {
            return fail(QStringLiteral("cannot add demo user %1: %2").arg(userNameOf(i), accountErrorText(accountError)));
        }
        ids << id;
    }
    // Work addresses, as a tenant would have them.
    m_db.run(QStringLiteral("UPDATE users SET user_principal_name = user_name || '@contoso.example'"));
    Caller admin;
    admin.userId = ids.at(4);
    admin.displayName = QStringLiteral("Adele Vance");
    admin.userPrincipalName = QStringLiteral("adele");
    admin.isAdmin = true;
    admin.isAuditor = true;
    admin.session.multiFactor = true;
    const QString alex = ids.at(0), megan = ids.at(1), diego = ids.at(2);

    // The roles are built in (Engine::ensureBuiltInRoles); the demo gives them policies.
    if (m_engine.ensureBuiltInRoles() < 0) {
        return fail(QStringLiteral("cannot install the built-in roles"));
    }
    QHash<QString, QString> roleNames;
    for (const RoleDefinition& role : builtInRoles()) {
        roleNames.insert(role.id, role.displayName);
    }
    for (const DemoRole& r : Roles) {
        const QString roleId = QString::fromLatin1(r.id);
        RolePolicy p = Engine::defaultPolicy();
        p.expirationRules[0].maximumDuration = IsoDuration::fromHours(r.maxHours);
        QList<EnablementRequirement>& need = p.enablementRules[0].enabledRules;
        if (r.ticket) {
            need << EnablementRequirement::Ticketing;
        }
        if (r.mfa) {
            need << EnablementRequirement::MultiFactorAuthentication;
        }
        if (r.approvers > 0) {
            ApprovalRule& a = p.approvalRules[0];
            a.isApprovalRequired = true;
            a.isRequestorJustificationRequired = true;
            a.approvalMode = ApprovalMode::SingleStage;
            ApprovalStage stage;
            stage.approvalStageTimeOutInDays = 1;
            stage.isApproverJustificationRequired = true;
            stage.approvalsRequired = r.approvalsNeeded;
            const int approverIndexes[] = {1, 5, 6};
            for (int k = 0; k < r.approvers; ++k) {
                const int who = approverIndexes[k];
                stage.primaryApprovers << SubjectSet{SubjectSetKind::SingleUser, ids.at(who),
                                                     QString::fromLatin1(FirstNames[who]) + u' ' + QString::fromLatin1(LastNames[who])};
            }
            a.approvalStages << stage;
        }
        if (!m_engine.setPolicy(admin, PimKind::DirectoryRole, roleId, QStringLiteral("/"), p)) {
            return fail(QStringLiteral("cannot set the policy of %1").arg(roleNames.value(roleId)));
        }
    }

    // Eligibilities: the requester is eligible for every role; others for a few each; 30
    // people for Helpdesk Administrator (the access review below).
    const QString helpdesk = QString::fromLatin1(Roles[5].id);
    for (const DemoRole& r : Roles) {
        if (!m_engine.addEligibility(admin, PimKind::DirectoryRole, alex, QString::fromLatin1(r.id), QStringLiteral("/"), {}, {})) {
            return fail(QStringLiteral("cannot add eligibilities"));
        }
    }
    for (int i = 5; i < People; ++i) {
        QSet<int> roles;
        if (i < 35) {
            roles.insert(5);
        }
        roles.insert(3 + pick(12));
        roles.insert(3 + pick(12));
        for (int role : roles) {
            if (!m_engine.addEligibility(admin, PimKind::DirectoryRole, ids.at(i), QString::fromLatin1(Roles[role].id),
                                         QStringLiteral("/"), {}, {})) {
                return fail(QStringLiteral("cannot add eligibilities"));
            }
        }
    }
    // A vendor eligible for Intune Administrator on weekdays of this week only.
    const Timestamp now = m_clock.now();
    m_engine.addEligibility(admin, PimKind::DirectoryRole, ids.at(39), QString::fromLatin1(Roles[8].id), QStringLiteral("/"),
                            now.plusSeconds(-86400), now.plusSeconds(4 * 86400));

    // PIM groups.
    const GroupInfo groups[] = {{QString(), QStringLiteral("Production operators"), QStringLiteral("Deploy and operate production")},
                                {QString(), QStringLiteral("Break-glass responders"), QStringLiteral("Emergency access to every subscription")},
                                {QString(), QStringLiteral("Finance approvers"), QStringLiteral("Approve payments above the limit")}};
    for (const GroupInfo& g : groups) {
        const auto created = m_engine.addGroup(admin, g, {megan, ids.at(5)});
        if (!created) {
            return fail(QStringLiteral("cannot add group %1").arg(g.displayName));
        }
        m_engine.addEligibility(admin, PimKind::Group, alex, created->id, QStringLiteral("member"), {}, {});
        m_engine.addEligibility(admin, PimKind::Group, alex, created->id, QStringLiteral("owner"), {}, {});
    }

    // History: 90 days of activations, approvals and expiries, written as the audit trail of a
    // busy tenant. Time only moves forward, so the hash chain is in time order.
    AuditLog& audit = m_engine.auditLog();
    const bool historyOk = m_db.transaction([&] {
        Timestamp t = now.plusSeconds(-qint64(historyDays) * 86400);
        int counter = 0;
        while (true) {
            t = t.plusSeconds(420 + pick(1200)); // an activation every ~20 minutes, day and night
            // Stop early enough that every approval, deactivation and expiry below lies in the past.
            if (t >= now.plusSeconds(-qint64(10) * 3600)) {
                break;
            }
            const int person = pick(People);
            const DemoRole& role = Roles[pick(15)];
            QString reason = QString::fromLatin1(Reasons[pick(10)]);
            const int ticket = 1000 + pick(9000);
            if (reason.contains(u"%1")) {
                reason = reason.arg(ticket);
            }
            Caller who;
            who.userId = ids.at(person);
            who.displayName = QString::fromLatin1(FirstNames[person]) + u' ' + QString::fromLatin1(LastNames[person]);
            who.userPrincipalName = userNameOf(person) + QStringLiteral("@contoso.example");
            who.ipAddress = QStringLiteral("10.%1.%2.%3").arg(pick(4)).arg(pick(255)).arg(1 + pick(254));
            const QString correlation = QUuid::createUuid().toString(QUuid::WithoutBraces);
            auto record = [&](const Caller& by, const Timestamp& when, const char* activity, const QString& why,
                              AuditResult result = AuditResult::Success) {
                AuditEvent e = makeEvent(by, when, QStringLiteral("RoleManagement"), PimService,
                                         QString::fromLatin1(activity), QStringLiteral("Assign"), correlation, why);
                e.result = result;
                addTarget(e, QString::fromLatin1(role.id), roleNames.value(QString::fromLatin1(role.id)), QStringLiteral("Role"));
                addTarget(e, who.userId, who.displayName, QStringLiteral("User"), who.userPrincipalName);
                ++counter;
                return audit.append(e);
            };
            if (!record(who, t, "Add member to role requested (PIM activation)", reason)) {
                return false;
            }
            Timestamp at = t.plusSeconds(1);
            if (role.approvers > 0) {
                Caller approver;
                approver.userId = megan;
                approver.displayName = QStringLiteral("Megan Bowen");
                approver.userPrincipalName = QStringLiteral("megan@contoso.example");
                if (!record(who, at, "Add member to role approval requested (PIM activation)", reason)) {
                    return false;
                }
                at = at.plusSeconds(120 + pick(3600));
                if (pick(10) == 0) {
                    if (!record(approver, at, "Add member to role request denied (PIM activation)", QStringLiteral("Use a less privileged role"))) {
                        return false;
                    }
                    continue;
                }
                if (!record(approver, at, "Add member to role request approved (PIM activation)", QStringLiteral("Approved"))) {
                    return false;
                }
            }
            if (!record(who, at, "Add member to role completed (PIM activation)", reason)) {
                return false;
            }
            const Caller scheduler;
            if (pick(3) == 0) {
                if (!record(who, at.plusSeconds(600 + pick(3000)), "Remove member from role completed (PIM deactivate)", reason)) {
                    return false;
                }
            } else if (!record(scheduler, at.plusSeconds(role.maxHours * 3600), "Remove member from role (PIM activation expired)",
                               QStringLiteral("Expired"))) {
                return false;
            }
        }
        return counter > 0;
    });
    if (!historyOk) {
        return fail(QStringLiteral("cannot write the demo history"));
    }

    // Now: a few things waiting for the approver, and a role active for the requester.
    auto activation = [&](const QString& principal, const DemoRole& role, int minutes, const QString& why) {
        ScheduleRequest r;
        r.action = RequestAction::SelfActivate;
        r.principalId = principal;
        r.roleDefinitionId = QString::fromLatin1(role.id);
        r.directoryScopeId = QStringLiteral("/");
        r.justification = why;
        if (role.ticket) {
            r.ticketInfo = {QStringLiteral("CHG-%1").arg(4000 + pick(999)), QStringLiteral("ServiceNow")};
        }
        ScheduleInfo s;
        s.expiration = Expiration{ExpirationType::AfterDuration, IsoDuration::fromMinutes(minutes), {}};
        r.scheduleInfo = s;
        return r;
    };
    auto callerFor = [&](int i) {
        Caller c;
        c.userId = ids.at(i);
        c.displayName = QString::fromLatin1(FirstNames[i]) + u' ' + QString::fromLatin1(LastNames[i]);
        c.userPrincipalName = userNameOf(i);
        c.session.multiFactor = true;
        return c;
    };
    const struct
    {
        int person;
        int role;
        const char* why;
    } pending[] = {{0, 1, "Grant the new SOC analysts their roles"},
                   {7, 2, "Tune Defender alert policies after INC-5521"},
                   {12, 9, "Register the payroll connector app"},
                   {20, 13, "Exclude the kiosk devices from the MFA policy"}};
    for (const auto& p : pending) {
        if (p.person != 0) {
            m_engine.addEligibility(admin, PimKind::DirectoryRole, ids.at(p.person), QString::fromLatin1(Roles[p.role].id),
                                    QStringLiteral("/"), {}, {});
        }
        const auto r = m_engine.submit(callerFor(p.person), activation(ids.at(p.person), Roles[p.role], 60, QString::fromLatin1(p.why)));
        if (!r) {
            return fail(QStringLiteral("cannot create a pending request: %1").arg(r.error().message));
        }
    }
    if (!m_engine.submit(callerFor(0), activation(alex, Roles[3], 240, QStringLiteral("Mailbox migration wave 3")))) {
        return fail(QStringLiteral("cannot activate the requester's demo role"));
    }

    // The reviewer's open access review: Helpdesk Administrator, about 30 decisions.
    if (!m_engine.createReview(admin, QStringLiteral("Helpdesk Administrator: quarterly review"), PimKind::DirectoryRole, helpdesk,
                               {diego}, 14, true)) {
        return fail(QStringLiteral("cannot create the access review"));
    }
    m_db.setDurable(true);
    return true;
}

} // namespace Elevate::Server
