#include "Session.h"

#include "CacheDatabase.h"
#include "Credentials.h"
#include "EntityRepository.h"
#include "Outbox.h"
#include "SyncEngine.h"

#include <QLoggingCategory>
#include <QDeadlineTimer>
#include <QTimer>
#include <QUuid>

Q_LOGGING_CATEGORY(lcSync, "elevate.sync", QtInfoMsg)

namespace Elevate {

namespace {

// Runs `step` for each item in order, then `finished` with the collected outcomes.
template <typename Item, typename Out>
void forEachInOrder(QList<Item> items, std::function<void(const Item&, std::function<void(Out)>)> step,
                    std::function<void(QList<Out>)> finished)
{
    struct State
    {
        QList<Item> items;
        QList<Out> outs;
        std::function<void(const Item&, std::function<void(Out)>)> step;
        std::function<void(QList<Out>)> finished;
        std::function<void()> next;
    };
    auto state = std::make_shared<State>();
    state->items = std::move(items);
    state->step = std::move(step);
    state->finished = std::move(finished);
    state->next = [weak = std::weak_ptr<State>(state)] {
        auto s = weak.lock();
        if (!s) {
            return;
        }
        if (s->outs.size() == s->items.size()) {
            auto finishedCopy = s->finished;
            auto outs = s->outs;
            s->next = nullptr; // break the cycle
            finishedCopy(outs);
            return;
        }
        s->step(s->items.at(s->outs.size()), [s](Out out) {
            s->outs.append(std::move(out));
            s->next();
        });
    };
    state->next();
}

// One reply for several items: every item's outcome as its value, and the worst outcome (in
// enum order: refused < usage < unreachable < signed out) with its message as the reply's.
template <typename Out>
SessionReply<QList<Out>> summarise(const QList<Out>& outs)
{
    SessionReply<QList<Out>> r;
    r.value = outs;
    for (const Out& o : outs) {
        if (o.outcome != SessionOutcome::Done && (r.outcome == SessionOutcome::Done || int(o.outcome) > int(r.outcome))) {
            r.outcome = o.outcome;
            r.message = o.message;
        }
    }
    return r;
}

QString roleName(const ScheduleRequest& r)
{
    if (r.roleDefinition) {
        return r.roleDefinition->displayName;
    }
    if (r.group) {
        return r.group->displayName;
    }
    return r.kind == PimKind::Group ? r.groupId : r.roleDefinitionId;
}

bool looksLikeGuid(const QString& text)
{
    return !QUuid::fromString(text).isNull();
}

// The claims an MFA step-up asks for: a token whose authentication methods include MFA.
const QString MfaClaims = QStringLiteral(R"({"access_token":{"amr":{"essential":true,"values":["mfa"]}}})");

} // namespace

QList<RoleRow> roleRows(const QList<Eligibility>& eligible, const QList<ActiveAssignment>& active)
{
    QList<RoleRow> rows;
    auto targetOf = [](PimKind kind, const QString& roleId, const QString& groupId, GroupAccess access,
                       const std::optional<RoleDefinition>& role, const std::optional<GroupInfo>& group,
                       const QString& scope) {
        RoleTarget t;
        t.kind = kind;
        t.id = kind == PimKind::Group ? groupId : roleId;
        t.access = access;
        t.displayName = kind == PimKind::Group ? (group ? group->displayName : groupId) : (role ? role->displayName : roleId);
        t.directoryScopeId = scope.isEmpty() ? QStringLiteral("/") : scope;
        return t;
    };
    for (const Eligibility& e : eligible) {
        RoleRow row;
        row.target = targetOf(e.kind, e.roleDefinitionId, e.groupId, e.accessId, e.roleDefinition, e.group, e.directoryScopeId);
        row.eligible = true;
        row.eligibleUntil = e.endDateTime;
        rows << row;
    }
    for (const ActiveAssignment& a : active) {
        const RoleTarget t = targetOf(a.kind, a.roleDefinitionId, a.groupId, a.accessId, a.roleDefinition, a.group,
                                      a.directoryScopeId);
        auto it = std::find_if(rows.begin(), rows.end(), [&t](const RoleRow& r) {
            return !r.active && r.target.kind == t.kind && r.target.id == t.id && r.target.access == t.access;
        });
        if (it != rows.end()) {
            it->active = a;
            if (it->target.displayName == it->target.id) {
                it->target.displayName = t.displayName;
            }
        } else {
            RoleRow row;
            row.target = t;
            row.active = a;
            rows << row;
        }
    }
    std::sort(rows.begin(), rows.end(), [](const RoleRow& a, const RoleRow& b) {
        return a.target.displayName.compare(b.target.displayName, Qt::CaseInsensitive) < 0;
    });
    return rows;
}

std::optional<RoleTarget> resolveRole(const QList<RoleRow>& rows, const QString& nameOrId, QStringList* ambiguous)
{
    QString name = nameOrId.trimmed();
    GroupAccess wanted = GroupAccess::Unknown;
    for (const auto& [suffix, access] : {std::pair{QStringLiteral(":owner"), GroupAccess::Owner},
                                         std::pair{QStringLiteral(":member"), GroupAccess::Member}}) {
        if (name.endsWith(suffix, Qt::CaseInsensitive)) {
            name.chop(suffix.size());
            wanted = access;
        }
    }
    QList<RoleTarget> matches;
    for (const RoleRow& row : rows) {
        const RoleTarget& t = row.target;
        const bool nameMatches = t.id.compare(name, Qt::CaseInsensitive) == 0
            || t.displayName.compare(name, Qt::CaseInsensitive) == 0;
        if (!nameMatches || (wanted != GroupAccess::Unknown && t.access != wanted)) {
            continue;
        }
        const bool seen = std::any_of(matches.cbegin(), matches.cend(), [&t](const RoleTarget& m) {
            return m.kind == t.kind && m.id == t.id && m.access == t.access;
        });
        if (!seen) {
            matches << t;
        }
    }
    if (matches.size() > 1) {
        // A group eligible as member and owner: member unless asked otherwise.
        const auto member = std::find_if(matches.cbegin(), matches.cend(),
                                         [](const RoleTarget& m) { return m.access == GroupAccess::Member; });
        const bool sameGroup = std::all_of(matches.cbegin(), matches.cend(), [&matches](const RoleTarget& m) {
            return m.kind == PimKind::Group && m.id == matches.first().id;
        });
        if (sameGroup && member != matches.cend()) {
            return *member;
        }
        if (ambiguous) {
            for (const RoleTarget& m : matches) {
                *ambiguous << m.displayName + QStringLiteral(" (") + m.id + u')';
            }
        }
        return std::nullopt;
    }
    if (matches.isEmpty()) {
        return std::nullopt;
    }
    return matches.first();
}

Session::Session(GraphClient& graph, QObject* parent)
    : QObject(parent)
    , m_graph(graph)
    , m_now([] { return Timestamp::fromDateTime(QDateTime::currentDateTimeUtc()); })
{
}

void Session::setClock(std::function<Timestamp()> now)
{
    m_now = std::move(now);
}

Timestamp Session::now() const
{
    return m_now();
}

SessionOutcome Session::outcomeOf(const ApiResult& r)
{
    switch (r.kind) {
    case ApiErrorKind::None:
        return SessionOutcome::Done;
    case ApiErrorKind::Unreachable:
    case ApiErrorKind::Timeout:
    case ApiErrorKind::Tls:
    case ApiErrorKind::Redirect:
    case ApiErrorKind::Throttled:
    case ApiErrorKind::ServerError:
        return SessionOutcome::Unreachable;
    case ApiErrorKind::Unauthorized:
        return SessionOutcome::SignedOut;
    case ApiErrorKind::Canceled:
    case ApiErrorKind::Forbidden:
    case ApiErrorKind::NotFound:
    case ApiErrorKind::Conflict:
    case ApiErrorKind::ClaimsChallenge:
    case ApiErrorKind::PolicyViolation:
    case ApiErrorKind::Refused:
    case ApiErrorKind::InvalidResponse:
        return SessionOutcome::Refused;
    }
    return SessionOutcome::Refused;
}

QString Session::messageOf(const ApiResult& r)
{
    const QString& code = r.error.code;
    switch (r.kind) {
    case ApiErrorKind::None:
        return {};
    case ApiErrorKind::Unreachable:
    case ApiErrorKind::Tls:
    case ApiErrorKind::Redirect:
        return tr("The server could not be reached. Check the connection and try again.");
    case ApiErrorKind::Timeout:
        return tr("The server did not answer in time. Try again.");
    case ApiErrorKind::Throttled:
        return r.retryAfter.count() > 0
            ? tr("The server is busy. Try again in %1 s.").arg((r.retryAfter.count() + 999) / 1000)
            : tr("The server is busy. Try again in a moment.");
    case ApiErrorKind::ServerError:
        return tr("The server failed to answer. Try again later.");
    case ApiErrorKind::Unauthorized:
        return tr("You are signed out. Sign in again (elevatectl login).");
    case ApiErrorKind::Canceled:
        return tr("Canceled.");
    case ApiErrorKind::Forbidden:
        return tr("You are not allowed to do this.");
    case ApiErrorKind::NotFound:
        return tr("Not found: it may have been removed or decided already.");
    case ApiErrorKind::Conflict:
        return tr("Already decided: someone acted on this first.");
    case ApiErrorKind::ClaimsChallenge:
        return tr("This role needs a stronger sign-in (authentication context).");
    case ApiErrorKind::PolicyViolation:
        return tr("The role's policy refused the request; failed rules: %1.").arg(r.error.failedRules().join(QStringLiteral(", ")));
    case ApiErrorKind::InvalidResponse:
        return tr("The server's answer could not be read.");
    case ApiErrorKind::Refused:
        break;
    }
    if (code == GraphErrorCodes::AssignmentExists) {
        return tr("The role is already active.");
    }
    if (code == GraphErrorCodes::PendingRequest) {
        return tr("A request for this role is already waiting for approval.");
    }
    if (code == GraphErrorCodes::ActiveDurationTooShort) {
        return tr("A role can only be deactivated 5 minutes after it was activated.");
    }
    if (code == GraphErrorCodes::AssignmentDoesNotExist) {
        return tr("There is nothing to act on: the role is not eligible or not active.");
    }
    return r.error.message.isEmpty() ? tr("The server refused the request.") : r.error.message;
}

void Session::principalId(std::function<void(const SessionReply<QString>&)> done)
{
    if (!m_me.isEmpty()) {
        SessionReply<QString> r;
        r.value = m_me;
        done(r);
        return;
    }
    m_graph.me([this, done = std::move(done)](const GraphReply<Identity>& me) {
        if (!me.ok()) {
            done(failure<QString>(me));
            return;
        }
        m_me = me.value.id;
        SessionReply<QString> r;
        r.value = m_me;
        done(r);
    });
}

void Session::whoami(Callback<Identity> done)
{
    m_graph.me([this, done = std::move(done)](const GraphReply<Identity>& me) {
        if (!me.ok()) {
            done(failure<Identity>(me));
            return;
        }
        m_me = me.value.id;
        SessionReply<Identity> r;
        r.value = me.value;
        done(r);
    });
}

void Session::myRoles(Callback<QList<RoleRow>> done)
{
    if (answerFromCache<QList<RoleRow>>(done, [this] { return cachedRoles(); })) {
        return;
    }
    struct Gather
    {
        QList<Eligibility> eligible;
        QList<ActiveAssignment> active;
        int pending = 4;
        std::optional<ApiResult> failure;
    };
    auto g = std::make_shared<Gather>();
    auto finish = [g, done]() {
        if (--g->pending > 0) {
            return;
        }
        if (g->failure) {
            SessionReply<QList<RoleRow>> r;
            r.outcome = outcomeOf(*g->failure);
            r.message = messageOf(*g->failure);
            r.details = g->failure->describe();
            done(r);
            return;
        }
        const QList<RoleRow> rows = roleRows(g->eligible, g->active);
        SessionReply<QList<RoleRow>> r;
        r.value = rows;
        done(r);
    };
    // PIM for Groups is not in every cloud (graph-contract.md §0): a group call the server does
    // not know (400/404) leaves the groups out instead of failing My Roles.
    auto optionalGroups = [](const ApiResult& r) {
        return r.kind == ApiErrorKind::NotFound || (r.kind == ApiErrorKind::Refused && r.httpStatus == 400);
    };
    for (PimKind kind : {PimKind::DirectoryRole, PimKind::Group}) {
        m_graph.myEligibilities(kind, [g, finish, kind, optionalGroups](const GraphReply<QList<Eligibility>>& r) {
            if (r.ok()) {
                g->eligible << r.value;
            } else if (!(kind == PimKind::Group && optionalGroups(r.result))) {
                g->failure = r.result;
            }
            finish();
        });
        m_graph.myActiveAssignments(kind, [g, finish, kind, optionalGroups](const GraphReply<QList<ActiveAssignment>>& r) {
            if (r.ok()) {
                g->active << r.value;
            } else if (!(kind == PimKind::Group && optionalGroups(r.result))) {
                g->failure = r.result;
            }
            finish();
        });
    }
}

void Session::activate(const ActivationRequest& request, Callback<QList<ActivationOutcome>> done)
{
    if (!guardActivationChange(done)) {
        return;
    }
    principalId([this, request, done](const SessionReply<QString>& me) {
        if (!me.ok()) {
            SessionReply<QList<ActivationOutcome>> r;
            r.outcome = me.outcome;
            r.message = me.message;
            r.details = me.details;
            done(r);
            return;
        }
        myRoles([this, request, done, id = me.value](const SessionReply<QList<RoleRow>>& roles) {
            if (!roles.ok()) {
                SessionReply<QList<ActivationOutcome>> r;
                r.outcome = roles.outcome;
                r.message = roles.message;
                r.details = roles.details;
                done(r);
                return;
            }
            QList<RoleRow> eligibleRows;
            for (const RoleRow& row : roles.value) {
                if (row.eligible) {
                    eligibleRows << row;
                }
            }
            forEachInOrder<QString, ActivationOutcome>(
                request.roles,
                [this, eligibleRows, request, id](const QString& name, std::function<void(ActivationOutcome)> next) {
                    QStringList candidates;
                    const std::optional<RoleTarget> target = resolveRole(eligibleRows, name, &candidates);
                    if (!target) {
                        ActivationOutcome o;
                        o.target.displayName = name;
                        o.outcome = SessionOutcome::Invalid;
                        o.message = candidates.isEmpty()
                            ? tr("You are not eligible for '%1'.").arg(name)
                            : tr("'%1' is ambiguous: %2.").arg(name, candidates.join(QStringLiteral(", ")));
                        next(o);
                        return;
                    }
                    activateOne(*target, request, id, std::move(next));
                },
                [done](QList<ActivationOutcome> outs) { done(summarise(outs)); });
        });
    });
}

void Session::activateOne(const RoleTarget& target, const ActivationRequest& request, const QString& me,
                          std::function<void(ActivationOutcome)> done)
{
    ScheduleRequest body;
    body.kind = target.kind;
    body.action = RequestAction::SelfActivate;
    body.principalId = me;
    if (target.kind == PimKind::Group) {
        body.groupId = target.id;
        body.accessId = target.access;
    } else {
        body.roleDefinitionId = target.id;
        body.directoryScopeId = target.directoryScopeId;
    }
    body.justification = request.justification;
    body.ticketInfo = request.ticket;
    ScheduleInfo schedule;
    schedule.startDateTime = request.start;
    schedule.expiration.type = ExpirationType::AfterDuration;
    schedule.expiration.duration = request.duration;
    body.scheduleInfo = schedule;

    m_graph.rolePolicy(target.kind, target.id, target.access,
                       [this, target, body, done = std::move(done)](const GraphReply<RolePolicy>& policy) {
        ActivationOutcome outcome;
        outcome.target = target;
        if (policy.ok()) {
            // MFA and authentication context are for the server to judge from the token (the
            // console cannot see them); they come back as a challenge handled by step-up.
            SessionFacts facts;
            facts.multiFactor = true;
            if (const AuthenticationContextRule* acrs =
                    policy.value.authenticationContextRule(RuleIds::AuthenticationContextEndUserAssignment)) {
                facts.authContexts << acrs->claimValue;
            }
            const PolicyCheckResult check = PolicyCheck::check(body, policy.value, facts, now());
            for (const PolicyViolation& v : check.violations) {
                if (v.rule != u"MfaRule" && v.rule != u"AcrsRule") {
                    outcome.violations << v;
                }
            }
            if (!outcome.violations.isEmpty()) {
                outcome.outcome = SessionOutcome::Refused;
                QStringList lines;
                for (const PolicyViolation& v : outcome.violations) {
                    lines << v.rule + QStringLiteral(": ") + v.message;
                }
                outcome.message = tr("Not sent: %1 breaks its policy.\n%2").arg(target.displayName, lines.join(u'\n'));
                done(outcome);
                return;
            }
        } else if (policy.result.kind == ApiErrorKind::Unauthorized || outcomeOf(policy.result) == SessionOutcome::Unreachable) {
            outcome.outcome = outcomeOf(policy.result);
            outcome.message = messageOf(policy.result);
            outcome.details = policy.result.describe();
            done(outcome);
            return;
        } else {
            // No policy to read (permission or cloud): the server still enforces it.
            qCInfo(lcSync).noquote() << "no policy pre-flight for" << target.id << policy.result.describe();
        }
        submitWithStepUp(body, done, outcome);
    });
}

void Session::submitWithStepUp(const ScheduleRequest& body, std::function<void(ActivationOutcome)> done,
                               ActivationOutcome outcome)
{
    m_graph.submitRequest(body, [this, body, done, outcome](const GraphReply<ScheduleRequest>& r) mutable {
        if (r.ok()) {
            outcome.outcome = SessionOutcome::Done;
            outcome.request = r.value;
            outcome.message = r.value.status == RequestStatus::PendingApproval
                ? tr("%1: waiting for approval.").arg(outcome.target.displayName)
                : tr("%1: %2.").arg(outcome.target.displayName, enumName(r.value.status));
            done(outcome);
            return;
        }
        const bool acrs = r.result.kind == ApiErrorKind::ClaimsChallenge;
        const bool mfa = r.result.kind == ApiErrorKind::PolicyViolation
            && r.result.error.failedRules().contains(QStringLiteral("MfaRule"));
        if ((acrs || mfa) && !outcome.steppedUp) {
            // Step-up: sign in again with what the server asked for, then send once more.
            const QString claims = acrs ? r.result.error.claimsChallenge() : MfaClaims;
            qCInfo(lcSync) << "step-up sign-in for" << outcome.target.id << (acrs ? "(claims challenge)" : "(MFA)");
            outcome.steppedUp = true;
            m_graph.credentials().signIn(claims, [this, body, done, outcome, r](const AuthResult& auth) mutable {
                if (!auth.ok()) {
                    outcome.outcome = SessionOutcome::Refused;
                    outcome.message = tr("%1 needs a stronger sign-in, which did not complete (%2).")
                                          .arg(outcome.target.displayName, auth.error.isEmpty() ? auth.description : auth.error);
                    outcome.details = r.result.describe();
                    done(outcome);
                    return;
                }
                submitWithStepUp(body, done, outcome);
            });
            return;
        }
        outcome.outcome = outcomeOf(r.result);
        outcome.message = outcome.target.displayName + QStringLiteral(": ") + messageOf(r.result);
        outcome.details = r.result.describe();
        done(outcome);
    });
}

void Session::deactivate(const QString& role, Callback<ScheduleRequest> done)
{
    if (!guardActivationChange(done)) {
        return;
    }
    principalId([this, role, done](const SessionReply<QString>& me) {
        if (!me.ok()) {
            done(SessionReply<ScheduleRequest>{me.outcome, me.message, me.details, {}});
            return;
        }
        myRoles([this, role, done, id = me.value](const SessionReply<QList<RoleRow>>& roles) {
            if (!roles.ok()) {
                done(SessionReply<ScheduleRequest>{roles.outcome, roles.message, roles.details, {}});
                return;
            }
            QList<RoleRow> active;
            for (const RoleRow& row : roles.value) {
                if (row.active) {
                    active << row;
                }
            }
            QStringList candidates;
            const std::optional<RoleTarget> target = resolveRole(active, role, &candidates);
            if (!target) {
                done(SessionReply<ScheduleRequest>{SessionOutcome::Invalid,
                                                   candidates.isEmpty() ? tr("'%1' is not active.").arg(role)
                                                                        : tr("'%1' is ambiguous: %2.").arg(role, candidates.join(QStringLiteral(", "))),
                                                   {}, {}});
                return;
            }
            ScheduleRequest body;
            body.kind = target->kind;
            body.action = RequestAction::SelfDeactivate;
            body.principalId = id;
            if (target->kind == PimKind::Group) {
                body.groupId = target->id;
                body.accessId = target->access;
            } else {
                body.roleDefinitionId = target->id;
                body.directoryScopeId = target->directoryScopeId;
            }
            m_graph.submitRequest(body, [done, name = target->displayName](const GraphReply<ScheduleRequest>& r) {
                if (!r.ok()) {
                    SessionReply<ScheduleRequest> out = failure<ScheduleRequest>(r);
                    out.message = name + QStringLiteral(": ") + out.message;
                    done(out);
                    return;
                }
                done(SessionReply<ScheduleRequest>{SessionOutcome::Done, tr("%1 deactivated.").arg(name), {}, r.value});
            });
        });
    });
}

void Session::extend(const QString& role, const IsoDuration& duration, const QString& justification,
                     Callback<ScheduleRequest> done)
{
    extend(role, duration, justification, TicketInfo{}, std::move(done));
}

void Session::extend(const QString& role, const IsoDuration& duration, const QString& justification,
                     const TicketInfo& ticket, Callback<ScheduleRequest> done)
{
    if (!guardActivationChange(done)) {
        return;
    }
    principalId([this, role, duration, justification, ticket, done](const SessionReply<QString>& me) {
        if (!me.ok()) {
            done(SessionReply<ScheduleRequest>{me.outcome, me.message, me.details, {}});
            return;
        }
        myRoles([this, role, duration, justification, ticket, done, id = me.value](const SessionReply<QList<RoleRow>>& roles) {
            if (!roles.ok()) {
                done(SessionReply<ScheduleRequest>{roles.outcome, roles.message, roles.details, {}});
                return;
            }
            QList<RoleRow> candidatesRows;
            for (const RoleRow& row : roles.value) {
                if (row.active || row.eligible) {
                    candidatesRows << row;
                }
            }
            const std::optional<RoleTarget> target = resolveRole(candidatesRows, role);
            if (!target) {
                done(SessionReply<ScheduleRequest>{SessionOutcome::Invalid, tr("'%1' is not one of your roles.").arg(role), {}, {}});
                return;
            }
            if (target->kind == PimKind::Group) {
                // PIM for Groups has no self-extend (graph-contract.md §4).
                done(SessionReply<ScheduleRequest>{SessionOutcome::Refused,
                                                   tr("Group access cannot be extended by its member; deactivate and activate again, or ask an admin."),
                                                   {}, {}});
                return;
            }
            ScheduleRequest body;
            body.kind = PimKind::DirectoryRole;
            body.action = RequestAction::SelfExtend;
            body.principalId = id;
            body.roleDefinitionId = target->id;
            body.directoryScopeId = target->directoryScopeId;
            body.justification = justification;
            body.ticketInfo = ticket;
            ScheduleInfo schedule;
            schedule.expiration.type = ExpirationType::AfterDuration;
            schedule.expiration.duration = duration;
            body.scheduleInfo = schedule;
            m_graph.submitRequest(body, [done, name = target->displayName](const GraphReply<ScheduleRequest>& r) {
                if (!r.ok()) {
                    SessionReply<ScheduleRequest> out = failure<ScheduleRequest>(r);
                    out.message = name + QStringLiteral(": ") + out.message;
                    done(out);
                    return;
                }
                done(SessionReply<ScheduleRequest>{SessionOutcome::Done,
                                                   tr("%1: extension %2.").arg(name, enumName(r.value.status)), {}, r.value});
            });
        });
    });
}

void Session::waitForRequest(PimKind kind, const QString& id, int timeoutMs, Callback<ScheduleRequest> done)
{
    auto deadline = std::make_shared<QDeadlineTimer>(timeoutMs);
    auto poll = std::make_shared<std::function<void()>>();
    *poll = [this, kind, id, done, deadline, weakPoll = std::weak_ptr<std::function<void()>>(poll)] {
        // Held strongly while the request is out; the next timer holds it after that.
        std::shared_ptr<std::function<void()>> self = weakPoll.lock();
        m_graph.scheduleRequest(kind, id, [this, done, deadline, self](const GraphReply<ScheduleRequest>& r) {
            if (!r.ok()) {
                done(failure<ScheduleRequest>(r));
                return;
            }
            const RequestStatus s = r.value.status;
            const bool pending = s == RequestStatus::PendingApproval || s == RequestStatus::PendingProvisioning
                || s == RequestStatus::PendingScheduleCreation || s == RequestStatus::PendingAdminDecision;
            if (!pending) {
                const bool granted = s == RequestStatus::Provisioned || s == RequestStatus::Granted
                    || s == RequestStatus::ScheduleCreated;
                done(SessionReply<ScheduleRequest>{granted ? SessionOutcome::Done : SessionOutcome::Refused,
                                                   tr("%1: %2.").arg(roleName(r.value), enumName(s)), {}, r.value});
                return;
            }
            if (deadline->hasExpired()) {
                done(SessionReply<ScheduleRequest>{SessionOutcome::Refused, tr("Still waiting for approval; stopped waiting."),
                                                   {}, r.value});
                return;
            }
            if (self) {
                QTimer::singleShot(m_pollMs, this, [self] { (*self)(); });
            }
        });
    };
    // The closure keeps itself alive through the timer's copy of `p`.
    QTimer::singleShot(0, this, [poll] { (*poll)(); });
}

void Session::myRequests(Callback<QList<ScheduleRequest>> done)
{
    if (answerFromCache<QList<ScheduleRequest>>(done, [this] {
            return cachedRequests(QStringLiteral("mine"), QStringLiteral("approvals"));
        })) {
        return;
    }
    auto all = std::make_shared<QList<ScheduleRequest>>();
    m_graph.myRequests(PimKind::DirectoryRole, QStringLiteral("principal"), {},
                       [this, all, done](const GraphReply<QList<ScheduleRequest>>& roles) {
        if (!roles.ok()) {
            done(failure<QList<ScheduleRequest>>(roles));
            return;
        }
        *all << roles.value;
        m_graph.myRequests(PimKind::Group, QStringLiteral("principal"), {},
                           [all, done](const GraphReply<QList<ScheduleRequest>>& groups) {
            if (groups.ok()) {
                *all << groups.value;
            } else if (outcomeOf(groups.result) != SessionOutcome::Refused) {
                done(failure<QList<ScheduleRequest>>(groups));
                return;
            }
            std::sort(all->begin(), all->end(), [](const ScheduleRequest& a, const ScheduleRequest& b) {
                return a.createdDateTime > b.createdDateTime;
            });
            done(SessionReply<QList<ScheduleRequest>>{SessionOutcome::Done, {}, {}, *all});
        });
    });
}

void Session::cancelRequest(const QString& id, Callback<NoContent> done)
{
    m_graph.cancelRequest(PimKind::DirectoryRole, id, [this, id, done](const GraphReply<NoContent>& r) {
        if (r.ok()) {
            done(SessionReply<NoContent>{SessionOutcome::Done, tr("Request %1 canceled.").arg(id), {}, {}});
            return;
        }
        if (r.result.kind != ApiErrorKind::NotFound) {
            done(failure<NoContent>(r));
            return;
        }
        m_graph.cancelRequest(PimKind::Group, id, [id, done](const GraphReply<NoContent>& g) {
            if (!g.ok()) {
                done(failure<NoContent>(g));
                return;
            }
            done(SessionReply<NoContent>{SessionOutcome::Done, tr("Request %1 canceled.").arg(id), {}, {}});
        });
    });
}

void Session::pendingApprovals(Callback<QList<ScheduleRequest>> done)
{
    if (answerFromCache<QList<ScheduleRequest>>(done, [this] {
            return cachedRequests(QStringLiteral("approver"), QStringLiteral("approvals"));
        })) {
        return;
    }
    auto all = std::make_shared<QList<ScheduleRequest>>();
    m_graph.myRequests(PimKind::DirectoryRole, QStringLiteral("approver"), QStringLiteral("PendingApproval"),
                       [this, all, done](const GraphReply<QList<ScheduleRequest>>& roles) {
        if (!roles.ok()) {
            done(failure<QList<ScheduleRequest>>(roles));
            return;
        }
        *all << roles.value;
        m_graph.myRequests(PimKind::Group, QStringLiteral("approver"), QStringLiteral("PendingApproval"),
                           [all, done](const GraphReply<QList<ScheduleRequest>>& groups) {
            if (groups.ok()) {
                *all << groups.value;
            } else if (outcomeOf(groups.result) != SessionOutcome::Refused) {
                done(failure<QList<ScheduleRequest>>(groups));
                return;
            }
            done(SessionReply<QList<ScheduleRequest>>{SessionOutcome::Done, {}, {}, *all});
        });
    });
}

void Session::decideApprovals(const QStringList& requestIds, ApprovalVerdict verdict, const QString& reason,
                              Callback<QList<ItemOutcome>> done)
{
    if (m_outbox) {
        forEachInOrder<QString, ItemOutcome>(
            requestIds,
            [this, verdict, reason](const QString& id, std::function<void(ItemOutcome)> next) {
                queueApproval(id, verdict, reason, false, next);
            },
            [done](QList<ItemOutcome> outs) { done(summarise(outs)); });
        return;
    }
    forEachInOrder<QString, ItemOutcome>(
        requestIds,
        [this, verdict, reason](const QString& id, std::function<void(ItemOutcome)> next) {
            auto decideOn = [this, id, verdict, reason, next](PimKind kind, const Approval& approval) {
                ItemOutcome o;
                o.id = id;
                const ApprovalStep* step = approval.actionableStep();
                if (!step) {
                    o.outcome = SessionOutcome::Refused;
                    o.message = tr("%1: nothing for you to decide (not your approval, or already decided).").arg(id);
                    next(o);
                    return;
                }
                ApprovalDecision decision;
                decision.reviewResult = verdict;
                decision.justification = reason;
                m_graph.decideApprovalStep(kind, approval.id.isEmpty() ? id : approval.id, step->id, decision,
                                           [o, next, verdict](const GraphReply<NoContent>& r) mutable {
                    if (r.ok()) {
                        o.message = verdict == ApprovalVerdict::Approve ? tr("%1 approved.").arg(o.id) : tr("%1 denied.").arg(o.id);
                    } else {
                        o.outcome = outcomeOf(r.result);
                        o.message = o.id + QStringLiteral(": ") + messageOf(r.result);
                        o.details = r.result.describe();
                    }
                    next(o);
                });
            };
            fetchApproval(id, decideOn, next);
        },
        [done](QList<ItemOutcome> outs) { done(summarise(outs)); });
}

void Session::reviews(Callback<QList<ReviewRow>> done)
{
    if (answerFromCache<QList<ReviewRow>>(done, [this] { return cachedReviews(); })) {
        return;
    }
    m_graph.myReviewDefinitions([this, done](const GraphReply<QList<AccessReviewDefinition>>& defs) {
        if (!defs.ok()) {
            done(failure<QList<ReviewRow>>(defs));
            return;
        }
        forEachInOrder<AccessReviewDefinition, ReviewRow>(
            defs.value,
            [this](const AccessReviewDefinition& def, std::function<void(ReviewRow)> next) {
                m_graph.myReviewInstances(def.id, [this, def, next](const GraphReply<QList<AccessReviewInstance>>& inst) {
                    ReviewRow row;
                    row.definition = def;
                    if (!inst.ok() || inst.value.isEmpty()) {
                        next(row);
                        return;
                    }
                    auto current = std::find_if(inst.value.cbegin(), inst.value.cend(), [](const AccessReviewInstance& i) {
                        return i.status == ReviewStatus::InProgress;
                    });
                    row.instance = current != inst.value.cend() ? *current : inst.value.last();
                    m_graph.myReviewDecisions(def.id, row.instance->id, QStringLiteral("decision eq 'NotReviewed'"),
                                              [row, next](const GraphReply<QList<ReviewDecision>>& d) mutable {
                        row.pendingDecisions = d.ok() ? int(d.value.size()) : -1;
                        next(row);
                    });
                });
            },
            [done](QList<ReviewRow> rows) { done(SessionReply<QList<ReviewRow>>{SessionOutcome::Done, {}, {}, rows}); });
    });
}

void Session::resolveReview(const QString& review, std::function<void(const SessionReply<ReviewRow>&)> done)
{
    reviews([review, done](const SessionReply<QList<ReviewRow>>& rows) {
        if (!rows.ok()) {
            done(SessionReply<ReviewRow>{rows.outcome, rows.message, rows.details, {}});
            return;
        }
        QList<ReviewRow> matches;
        for (const ReviewRow& row : rows.value) {
            if (row.definition.id.compare(review, Qt::CaseInsensitive) == 0
                || (row.instance && row.instance->id.compare(review, Qt::CaseInsensitive) == 0)
                || row.definition.displayName.compare(review, Qt::CaseInsensitive) == 0) {
                matches << row;
            }
        }
        if (matches.size() != 1 || !matches.first().instance) {
            done(SessionReply<ReviewRow>{SessionOutcome::Invalid,
                                         matches.size() > 1 ? tr("'%1' names several reviews; use its id.").arg(review)
                                                            : tr("No open review '%1' for you.").arg(review),
                                         {}, {}});
            return;
        }
        done(SessionReply<ReviewRow>{SessionOutcome::Done, {}, {}, matches.first()});
    });
}

void Session::decisions(const QString& review, Callback<QList<ReviewDecision>> done)
{
    if (answerFromCache<QList<ReviewDecision>>(done, [this, review] {
            SessionReply<QList<ReviewDecision>> r;
            const std::optional<ReviewRow> row = cachedReview(review);
            if (!row) {
                r.outcome = SessionOutcome::Invalid;
                r.message = tr("No open review '%1' in the offline cache.").arg(review);
                return r;
            }
            r.value = Cache::ReviewDecisionRepository(*m_cache).all(row->instance->id);
            const auto state = m_cache->syncState(QStringLiteral("reviews"));
            r.cachedAt = state ? state->lastSync : Timestamp();
            return r;
        })) {
        return;
    }
    resolveReview(review, [this, done](const SessionReply<ReviewRow>& row) {
        if (!row.ok()) {
            done(SessionReply<QList<ReviewDecision>>{row.outcome, row.message, row.details, {}});
            return;
        }
        m_graph.myReviewDecisions(row.value.definition.id, row.value.instance->id, {},
                                  [done](const GraphReply<QList<ReviewDecision>>& d) {
            if (!d.ok()) {
                done(failure<QList<ReviewDecision>>(d));
                return;
            }
            done(SessionReply<QList<ReviewDecision>>{SessionOutcome::Done, {}, {}, d.value});
        });
    });
}

void Session::decide(const QString& decisionId, ReviewDecisionValue value, const QString& reason, Callback<NoContent> done)
{
    if (m_outbox) {
        auto find = [this, decisionId]() -> std::optional<QStringList> {
            for (const AccessReviewDefinition& def : Cache::ReviewDefinitionRepository(*m_cache).all()) {
                for (const AccessReviewInstance& inst : Cache::ReviewInstanceRepository(*m_cache).all(def.id)) {
                    if (Cache::ReviewDecisionRepository(*m_cache).find(inst.id, decisionId)) {
                        return QStringList{def.id, inst.id, decisionId};
                    }
                }
            }
            return std::nullopt;
        };
        auto queue = [this, find, decisionId, value, reason, done] {
            const std::optional<QStringList> targets = find();
            if (!targets) {
                done(SessionReply<NoContent>{SessionOutcome::Invalid, tr("No decision '%1' is assigned to you.").arg(decisionId),
                                             {}, {}, {}});
                return;
            }
            ReviewDecisionUpdate update;
            update.decision = value;
            update.justification = reason;
            queueDecision(int(Cache::OutboxItem::Kind::ReviewDecision), *targets, GraphCodec::encode(update),
                          tr("Decision %1 recorded.").arg(decisionId), [done](SessionOutcome outcome, const QString& message) {
                done(SessionReply<NoContent>{outcome, message, {}, {}, {}});
            });
        };
        if (find() || m_offline) {
            queue();
        } else {
            m_engine->syncNow(SyncCollection::Reviews, [queue](const QString&) { queue(); });
        }
        return;
    }
    // A decision id alone: find the review instance that holds it among the caller's reviews.
    reviews([this, decisionId, value, reason, done](const SessionReply<QList<ReviewRow>>& rows) {
        if (!rows.ok()) {
            done(SessionReply<NoContent>{rows.outcome, rows.message, rows.details, {}});
            return;
        }
        QList<ReviewRow> open;
        for (const ReviewRow& row : rows.value) {
            if (row.instance) {
                open << row;
            }
        }
        forEachInOrder<ReviewRow, std::optional<ReviewRow>>(
            open,
            [this, decisionId](const ReviewRow& row, std::function<void(std::optional<ReviewRow>)> next) {
                m_graph.myReviewDecisions(row.definition.id, row.instance->id,
                                          QStringLiteral("id eq ") + GraphClient::literal(decisionId),
                                          [row, next](const GraphReply<QList<ReviewDecision>>& d) {
                    next(d.ok() && !d.value.isEmpty() ? std::optional<ReviewRow>(row) : std::nullopt);
                });
            },
            [this, decisionId, value, reason, done](QList<std::optional<ReviewRow>> found) {
                auto hit = std::find_if(found.cbegin(), found.cend(), [](const auto& f) { return f.has_value(); });
                if (hit == found.cend()) {
                    done(SessionReply<NoContent>{SessionOutcome::Invalid, tr("No decision '%1' is assigned to you.").arg(decisionId), {}, {}});
                    return;
                }
                ReviewDecisionUpdate update;
                update.decision = value;
                update.justification = reason;
                m_graph.recordDecision((*hit)->definition.id, (*hit)->instance->id, decisionId, update,
                                       [done, decisionId](const GraphReply<NoContent>& r) {
                    if (!r.ok()) {
                        done(failure<NoContent>(r));
                        return;
                    }
                    done(SessionReply<NoContent>{SessionOutcome::Done, tr("Decision %1 recorded.").arg(decisionId), {}, {}});
                });
            });
    });
}

void Session::batchDecide(const QString& review, ReviewDecisionValue value, const QString& reason,
                          const QString& principal, Callback<NoContent> done)
{
    if (m_outbox) {
        withCachedReview(review, [this, value, reason, principal, done](const SessionReply<ReviewRow>& row) {
            if (!row.ok()) {
                done(SessionReply<NoContent>{row.outcome, row.message, row.details, {}, {}});
                return;
            }
            BatchRecordDecisions batch;
            batch.decision = value;
            batch.justification = reason;
            batch.principalId = principal;
            queueDecision(int(Cache::OutboxItem::Kind::ReviewBatchDecision),
                          {row.value.definition.id, row.value.instance->id}, GraphCodec::encode(batch),
                          tr("Decisions recorded."), [done](SessionOutcome outcome, const QString& message) {
                done(SessionReply<NoContent>{outcome, message, {}, {}, {}});
            });
        });
        return;
    }
    resolveReview(review, [this, value, reason, principal, done](const SessionReply<ReviewRow>& row) {
        if (!row.ok()) {
            done(SessionReply<NoContent>{row.outcome, row.message, row.details, {}});
            return;
        }
        BatchRecordDecisions batch;
        batch.decision = value;
        batch.justification = reason;
        batch.principalId = principal;
        m_graph.batchRecordDecisions(row.value.definition.id, row.value.instance->id, batch,
                                     [done](const GraphReply<NoContent>& r) {
            if (!r.ok()) {
                done(failure<NoContent>(r));
                return;
            }
            done(SessionReply<NoContent>{SessionOutcome::Done, tr("Decisions recorded."), {}, {}});
        });
    });
}

void Session::acceptRecommendations(const QString& review, Callback<NoContent> done)
{
    if (m_outbox) {
        withCachedReview(review, [this, done](const SessionReply<ReviewRow>& row) {
            if (!row.ok()) {
                done(SessionReply<NoContent>{row.outcome, row.message, row.details, {}, {}});
                return;
            }
            queueDecision(int(Cache::OutboxItem::Kind::AcceptRecommendations),
                          {row.value.definition.id, row.value.instance->id}, QByteArrayLiteral("{}"),
                          tr("Recommendations accepted for %1.").arg(row.value.definition.displayName),
                          [done](SessionOutcome outcome, const QString& message) {
                done(SessionReply<NoContent>{outcome, message, {}, {}, {}});
            });
        });
        return;
    }
    resolveReview(review, [this, done](const SessionReply<ReviewRow>& row) {
        if (!row.ok()) {
            done(SessionReply<NoContent>{row.outcome, row.message, row.details, {}});
            return;
        }
        m_graph.acceptRecommendations(row.value.definition.id, row.value.instance->id,
                                      [done, name = row.value.definition.displayName](const GraphReply<NoContent>& r) {
            if (!r.ok()) {
                done(failure<NoContent>(r));
                return;
            }
            done(SessionReply<NoContent>{SessionOutcome::Done, tr("Recommendations accepted for %1.").arg(name), {}, {}});
        });
    });
}

// --- offline ----------------------------------------------------------------------------------

void Session::attachCache(Cache::CacheDatabase& cache, Cache::Outbox& outbox, SyncEngine& engine)
{
    m_cache = &cache;
    m_outbox = &outbox;
    m_engine = &engine;
}

template <typename T>
bool Session::guardActivationChange(Callback<T>& done)
{
    if (!m_engine) {
        return true;
    }
    if (m_offline) {
        done(SessionReply<T>{SessionOutcome::Unreachable, neverQueued(), {}, {}, {}});
        return false;
    }
    done = [this, done](const SessionReply<T>& r) {
        SessionReply<T> out = r;
        if (out.outcome == SessionOutcome::Unreachable) {
            out.message += u' ' + neverQueued();
        } else if (out.ok()) {
            m_engine->activationChanged();
        }
        done(out);
    };
    return true;
}

QString Session::neverQueued()
{
    return tr("Activations are never queued offline: the server checks the role's policy (approval, MFA, "
              "duration) when you ask, so ask again when it can be reached.");
}

template <typename T>
bool Session::answerFromCache(Callback<T>& done, std::function<SessionReply<T>()> fromCache)
{
    if (!m_cache) {
        return false;
    }
    if (m_offline) {
        done(fromCache());
        return true;
    }
    done = [done, fromCache](const SessionReply<T>& r) {
        if (r.outcome != SessionOutcome::Unreachable) {
            done(r);
            return;
        }
        SessionReply<T> cached = fromCache();
        if (cached.outcome == SessionOutcome::Unreachable || cached.cachedAt.isNull()) {
            done(r); // nothing cached: the network's answer stands
            return;
        }
        done(cached);
    };
    return false;
}

SessionReply<QList<RoleRow>> Session::cachedRoles()
{
    SessionReply<QList<RoleRow>> r;
    const auto state = m_cache->syncState(QStringLiteral("myRoles"));
    if (!state || state->lastSync.isNull()) {
        r.outcome = SessionOutcome::Unreachable;
        r.message = tr("My roles have never been pulled into the offline cache.");
        return r;
    }
    r.value = roleRows(Cache::EligibilityRepository(*m_cache).all(), Cache::ActiveAssignmentRepository(*m_cache).all());
    r.cachedAt = state->lastSync;
    return r;
}

SessionReply<QList<ScheduleRequest>> Session::cachedRequests(const QString& scope, const QString& collection)
{
    SessionReply<QList<ScheduleRequest>> r;
    const auto state = m_cache->syncState(collection);
    if (!state || state->lastSync.isNull()) {
        r.outcome = SessionOutcome::Unreachable;
        r.message = tr("Requests have never been pulled into the offline cache.");
        return r;
    }
    r.value = Cache::ScheduleRequestRepository(*m_cache).all(scope);
    std::sort(r.value.begin(), r.value.end(), [](const ScheduleRequest& a, const ScheduleRequest& b) {
        return a.createdDateTime > b.createdDateTime;
    });
    r.cachedAt = state->lastSync;
    return r;
}

SessionReply<QList<ReviewRow>> Session::cachedReviews()
{
    SessionReply<QList<ReviewRow>> r;
    const auto state = m_cache->syncState(QStringLiteral("reviews"));
    if (!state || state->lastSync.isNull()) {
        r.outcome = SessionOutcome::Unreachable;
        r.message = tr("Access reviews have never been pulled into the offline cache.");
        return r;
    }
    for (const AccessReviewDefinition& def : Cache::ReviewDefinitionRepository(*m_cache).all()) {
        ReviewRow row;
        row.definition = def;
        const QList<AccessReviewInstance> instances = Cache::ReviewInstanceRepository(*m_cache).all(def.id);
        if (!instances.isEmpty()) {
            auto current = std::find_if(instances.cbegin(), instances.cend(), [](const AccessReviewInstance& i) {
                return i.status == ReviewStatus::InProgress;
            });
            row.instance = current != instances.cend() ? *current : instances.last();
            const QList<ReviewDecision> decisions = Cache::ReviewDecisionRepository(*m_cache).all(row.instance->id);
            row.pendingDecisions = int(std::count_if(decisions.cbegin(), decisions.cend(), [](const ReviewDecision& d) {
                return d.decision == ReviewDecisionValue::NotReviewed;
            }));
        }
        r.value << row;
    }
    r.cachedAt = state->lastSync;
    return r;
}

std::optional<ReviewRow> Session::cachedReview(const QString& review)
{
    const SessionReply<QList<ReviewRow>> rows = cachedReviews();
    QList<ReviewRow> matches;
    for (const ReviewRow& row : rows.value) {
        if (row.instance
            && (row.definition.id.compare(review, Qt::CaseInsensitive) == 0
                || row.instance->id.compare(review, Qt::CaseInsensitive) == 0
                || row.definition.displayName.compare(review, Qt::CaseInsensitive) == 0)) {
            matches << row;
        }
    }
    return matches.size() == 1 ? std::optional<ReviewRow>(matches.first()) : std::nullopt;
}

void Session::withCachedReview(const QString& review, std::function<void(const SessionReply<ReviewRow>&)> done)
{
    auto answer = [this, review, done] {
        const std::optional<ReviewRow> row = cachedReview(review);
        if (!row) {
            done(SessionReply<ReviewRow>{SessionOutcome::Invalid, tr("No open review '%1' for you.").arg(review), {}, {}, {}});
            return;
        }
        done(SessionReply<ReviewRow>{SessionOutcome::Done, {}, {}, *row, {}});
    };
    if (cachedReview(review) || m_offline) {
        answer();
        return;
    }
    m_engine->syncNow(SyncCollection::Reviews, [answer](const QString&) { answer(); });
}

void Session::queueDecision(int kind, const QStringList& targets, const QByteArray& payload, const QString& doneMessage,
                            std::function<void(SessionOutcome, const QString&)> done)
{
    const std::optional<Cache::OutboxItem> item =
        m_outbox->enqueue(static_cast<Cache::OutboxItem::Kind>(kind), targets, payload);
    if (!item) {
        done(SessionOutcome::Refused, tr("The decision could not be recorded: %1").arg(m_outbox->lastError()));
        return;
    }
    const QString queued = tr("Recorded in the outbox (item %1): the server cannot be reached now; it will be sent, "
                              "once, when it answers again.").arg(item->id);
    if (m_offline) {
        done(SessionOutcome::Done, queued);
        return;
    }
    m_engine->drainOutbox([this, id = item->id, doneMessage, queued, done] {
        const std::optional<Cache::OutboxItem> now = m_outbox->item(id);
        if (!now) {
            done(SessionOutcome::Refused, tr("The decision was discarded."));
        } else if (now->state == Cache::OutboxItem::State::Sent) {
            done(SessionOutcome::Done, doneMessage);
        } else if (now->state == Cache::OutboxItem::State::Conflict) {
            done(SessionOutcome::Refused,
                 tr("Not applied: %1 (kept in the outbox as item %2: retry or discard it).").arg(now->message).arg(id));
        } else {
            done(SessionOutcome::Done, queued);
        }
    });
}

void Session::fetchApproval(const QString& id, std::function<void(PimKind, const Approval&)> found,
                            std::function<void(ItemOutcome)> failed)
{
    // An approval id does not say what it approves: directory roles first, then groups.
    const auto fail = [id, failed](const ApiResult& result) {
        failed(ItemOutcome{id, outcomeOf(result), id + QStringLiteral(": ") + messageOf(result), result.describe()});
    };
    m_graph.approval(PimKind::DirectoryRole, id, [this, id, found, fail](const GraphReply<Approval>& role) {
        if (role.ok()) {
            found(PimKind::DirectoryRole, role.value);
        } else if (role.result.kind != ApiErrorKind::NotFound) {
            fail(role.result);
        } else {
            m_graph.approval(PimKind::Group, id, [found, fail](const GraphReply<Approval>& group) {
                if (group.ok()) {
                    found(PimKind::Group, group.value);
                } else {
                    fail(group.result);
                }
            });
        }
    });
}

void Session::queueApproval(const QString& id, ApprovalVerdict verdict, const QString& reason, bool synced,
                            std::function<void(ItemOutcome)> next)
{
    std::optional<Approval> approval = Cache::ApprovalRepository(*m_cache).find(QString(), id);
    PimKind kind = PimKind::DirectoryRole;
    if (const auto request = Cache::ScheduleRequestRepository(*m_cache).find(QStringLiteral("approver"), id)) {
        kind = request->kind;
        if (!approval && !request->approvalId.isEmpty()) {
            approval = Cache::ApprovalRepository(*m_cache).find(QString(), request->approvalId);
        }
    }
    if (!approval && !synced && !m_offline) {
        m_engine->syncNow(SyncCollection::Approvals, [this, id, verdict, reason, next](const QString&) {
            queueApproval(id, verdict, reason, true, next);
        });
        return;
    }
    if (!approval && synced && !m_offline) {
        // Not in the pulled collection (a cloud without some of the list calls): ask for the
        // approval itself, directory roles first, then groups.
        auto queueFetched = [this, id, verdict, reason, next](PimKind fetchedKind, const Approval& fetched) {
            const ApprovalStep* fetchedStep = fetched.actionableStep();
            if (!fetchedStep) {
                next(ItemOutcome{id, SessionOutcome::Refused,
                                 tr("%1: nothing for you to decide (not your approval, or already decided).").arg(id), {}});
                return;
            }
            ApprovalDecision decision;
            decision.reviewResult = verdict;
            decision.justification = reason;
            const QString verb = verdict == ApprovalVerdict::Approve ? tr("%1 approved.").arg(id) : tr("%1 denied.").arg(id);
            queueDecision(int(Cache::OutboxItem::Kind::ApprovalDecision),
                          {fetchedKind == PimKind::Group ? QStringLiteral("group") : QStringLiteral("role"),
                           fetched.id.isEmpty() ? id : fetched.id, fetchedStep->id},
                          GraphCodec::encode(decision), verb, [id, next](SessionOutcome outcome, const QString& message) {
                next(ItemOutcome{id, outcome, outcome == SessionOutcome::Done ? message : id + QStringLiteral(": ") + message, {}});
            });
        };
        fetchApproval(id, queueFetched, next);
        return;
    }
    ItemOutcome o;
    o.id = id;
    const ApprovalStep* step = approval ? approval->actionableStep() : nullptr;
    if (!step) {
        o.outcome = SessionOutcome::Refused;
        o.message = tr("%1: nothing for you to decide (not your approval, or already decided).").arg(id);
        next(o);
        return;
    }
    ApprovalDecision decision;
    decision.reviewResult = verdict;
    decision.justification = reason;
    const QString verb = verdict == ApprovalVerdict::Approve ? tr("%1 approved.").arg(id) : tr("%1 denied.").arg(id);
    queueDecision(int(Cache::OutboxItem::Kind::ApprovalDecision),
                  {kind == PimKind::Group ? QStringLiteral("group") : QStringLiteral("role"),
                   approval->id.isEmpty() ? id : approval->id, step->id},
                  GraphCodec::encode(decision), verb, [o, next](SessionOutcome outcome, const QString& message) mutable {
        o.outcome = outcome;
        o.message = outcome == SessionOutcome::Done ? message : o.id + QStringLiteral(": ") + message;
        next(o);
    });
}

QString Session::auditFilter(const AuditQuery& q)
{
    QStringList parts;
    if (!q.since.isNull()) {
        // Graph wants the DateTimeOffset literal unquoted (graph-contract.md §7).
        parts << QStringLiteral("activityDateTime ge ") + q.since.toIso();
    }
    if (!q.until.isNull()) {
        parts << QStringLiteral("activityDateTime le ") + q.until.toIso();
    }
    if (!q.actor.isEmpty()) {
        parts << (looksLikeGuid(q.actor) ? QStringLiteral("initiatedBy/user/id eq ") + GraphClient::literal(q.actor)
                                         : QStringLiteral("initiatedBy/user/displayName eq ") + GraphClient::literal(q.actor));
    }
    if (!q.role.isEmpty()) {
        parts << (looksLikeGuid(q.role) ? QStringLiteral("targetResources/any(t: t/id eq %1)").arg(GraphClient::literal(q.role))
                                        : QStringLiteral("targetResources/any(t: t/displayName eq %1)").arg(GraphClient::literal(q.role)));
    }
    if (!q.activity.isEmpty()) {
        parts << QStringLiteral("startswith(activityDisplayName, %1)").arg(GraphClient::literal(q.activity));
    }
    if (!q.result.isEmpty()) {
        parts << QStringLiteral("result eq ") + GraphClient::literal(q.result.toLower());
    }
    return parts.join(QStringLiteral(" and "));
}

void Session::audit(const AuditQuery& query, Callback<QList<AuditEvent>> done)
{
    const int limit = std::clamp(query.limit, 1, 10000);
    // Free text is matched here (Graph has no full-text filter): read more, keep the matches.
    const int fetch = query.text.isEmpty() ? limit : std::min(10000, limit * 10);
    m_graph.directoryAudits(auditFilter(query), std::min(fetch, 200), fetch,
                            [query, limit, done](const GraphReply<QList<AuditEvent>>& r) {
        if (!r.ok()) {
            done(failure<QList<AuditEvent>>(r));
            return;
        }
        QList<AuditEvent> out;
        for (const AuditEvent& e : r.value) {
            if (out.size() >= limit) {
                break;
            }
            if (!query.text.isEmpty()) {
                QStringList hay{e.activityDisplayName, e.initiatorName(), e.resultReason, e.category, e.id, e.correlationId};
                for (const AuditEvent::TargetResource& t : e.targetResources) {
                    hay << t.displayName << t.id;
                }
                if (!hay.join(u'\n').contains(query.text, Qt::CaseInsensitive)) {
                    continue;
                }
            }
            out << e;
        }
        done(SessionReply<QList<AuditEvent>>{SessionOutcome::Done, {}, {}, out});
    });
}

} // namespace Elevate
