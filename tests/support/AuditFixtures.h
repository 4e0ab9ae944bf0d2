#pragma once

#include "AuditEvent.h"
#include "Timestamp.h"

#include <QRandomGenerator>
#include <QStringList>
#include <QUuid>

#include <cmath>

namespace Elevate::Testing {

// Realistic directoryAudit events for the cache tests and the audit benchmark: ~2,000 actors
// (a few very active), ~60 roles, the PIM and access review activity names of
// graph-contract.md 7, results mostly success, justifications drawn from a Zipf-like
// vocabulary. Deterministic for a seed.
class AuditGenerator final
{
public:
    explicit AuditGenerator(quint32 seed, int actors = 2000, int roles = 60, int vocabulary = 5000)
        : m_rng(seed)
        , m_actors(actors)
        , m_roles(roles)
        , m_vocabulary(vocabulary)
    {
        static const char* const common[] = {
            "access", "needed", "for", "incident", "change", "deploy", "production", "fix", "urgent", "review",
            "monthly", "patch", "database", "network", "the", "to", "and", "support", "ticket", "maintenance",
            "investigate", "outage", "customer", "backup", "restore", "audit", "rotate", "keys", "update", "config"};
        for (const char* w : common) {
            m_words << QString::fromLatin1(w);
        }
        for (int i = m_words.size(); i < vocabulary; ++i) {
            m_words << QStringLiteral("term%1").arg(i);
        }
        static const char* const roleNames[] = {
            "Global Administrator", "Privileged Role Administrator", "User Administrator", "Exchange Administrator",
            "SharePoint Administrator", "Security Administrator", "Billing Administrator", "Helpdesk Administrator",
            "Application Administrator", "Cloud Application Administrator", "Intune Administrator",
            "Teams Administrator", "Security Reader", "Global Reader", "Compliance Administrator"};
        for (const char* r : roleNames) {
            m_roleNames << QString::fromLatin1(r);
        }
        for (int i = m_roleNames.size(); i < roles; ++i) {
            m_roleNames << QStringLiteral("Custom Role %1").arg(i);
        }
    }

    static const QStringList& activities()
    {
        static const QStringList list = {
            QStringLiteral("Add member to role requested (PIM activation)"),
            QStringLiteral("Add member to role approval requested (PIM activation)"),
            QStringLiteral("Add member to role request approved (PIM activation)"),
            QStringLiteral("Add member to role request denied (PIM activation)"),
            QStringLiteral("Add member to role completed (PIM activation)"),
            QStringLiteral("Add member to role canceled (PIM activation)"),
            QStringLiteral("Remove member from role requested (PIM deactivate)"),
            QStringLiteral("Remove member from role completed (PIM deactivate)"),
            QStringLiteral("Remove member from role (PIM activation expired)"),
            QStringLiteral("Add eligible member to role in PIM requested (timebound)"),
            QStringLiteral("Add eligible member to role in PIM completed (timebound)"),
            QStringLiteral("Update member in PIM requested (extend)"),
            QStringLiteral("Update member in PIM approved by admin (extend/renew)"),
            QStringLiteral("Update role setting in PIM"),
            QStringLiteral("Approve decision"),
            QStringLiteral("Deny decision"),
            QStringLiteral("Don't know decision"),
            QStringLiteral("Bulk Approve decisions"),
            QStringLiteral("Access review ended"),
            QStringLiteral("Apply decision"),
        };
        return list;
    }
    // Activity weights: activations dominate.
    int activityIndex()
    {
        static const int weights[] = {30, 8, 8, 2, 30, 2, 6, 6, 20, 2, 2, 3, 2, 1, 4, 1, 1, 1, 1, 1};
        static const int total = [] {
            int t = 0;
            for (int w : weights) {
                t += w;
            }
            return t;
        }();
        int pick = int(m_rng.bounded(total));
        for (int i = 0; i < int(std::size(weights)); ++i) {
            if (pick < weights[i]) {
                return i;
            }
            pick -= weights[i];
        }
        return 0;
    }

    // Zipf-like: P(k) ~ 1/k over [0, n).
    int zipf(int n)
    {
        const double u = m_rng.generateDouble();
        return std::min(n - 1, int(std::pow(double(n) + 1.0, u)) - 1);
    }

    QString uuid()
    {
        const quint64 a = m_rng.generate64();
        const quint64 b = m_rng.generate64();
        QUuid u(uint(a >> 32), ushort(a >> 16), ushort((a & 0x0fff) | 0x4000), uchar(0x80 | ((b >> 56) & 0x3f)),
                uchar(b >> 48), uchar(b >> 40), uchar(b >> 32), uchar(b >> 24), uchar(b >> 16), uchar(b >> 8),
                uchar(b));
        return u.toString(QUuid::WithoutBraces);
    }

    static QString actorId(int i) { return QStringLiteral("00000000-0000-4000-8000-%1").arg(i, 12, 10, QLatin1Char('0')); }
    static QString roleId(int i) { return QStringLiteral("62e90394-69f5-4237-9190-%1").arg(i, 12, 10, QLatin1Char('0')); }
    QString roleName(int i) const { return m_roleNames.at(i); }
    QString word(int i) const { return m_words.at(i); }

    AuditEvent next(const Timestamp& at)
    {
        AuditEvent e;
        e.id = uuid();
        e.correlationId = uuid();
        e.activityDateTime = at;
        const int activity = activityIndex();
        e.activityDisplayName = activities().at(activity);
        const bool review = activity >= 14;
        e.category = review ? QStringLiteral("Policy") : QStringLiteral("RoleManagement");
        e.loggedByService = review ? QStringLiteral("Access Reviews") : QStringLiteral("PIM");
        e.operationType = activity == 8 || activity == 7 ? QStringLiteral("Unassign") : QStringLiteral("Assign");
        const quint32 r = m_rng.bounded(100);
        e.result = r < 95 ? AuditResult::Success : (r < 99 ? AuditResult::Failure : AuditResult::Timeout);
        const int actor = zipf(m_actors);
        if (activity == 8 && m_rng.bounded(2) == 0) {
            e.initiatedByApp = AuditEvent::AppInitiator{QStringLiteral("elevated"), QStringLiteral("elevated scheduler"),
                                                        QString(), QStringLiteral("elevated")};
        } else {
            AuditEvent::UserInitiator u;
            u.id = actorId(actor);
            u.displayName = QStringLiteral("User %1 Example").arg(actor);
            u.userPrincipalName = QStringLiteral("user%1@contoso.example").arg(actor);
            u.ipAddress = QStringLiteral("10.0.%1.%2").arg(actor / 250).arg(actor % 250 + m_rng.bounded(2));
            e.initiatedByUser = u;
        }
        const int role = zipf(m_roles);
        AuditEvent::TargetResource roleTarget;
        roleTarget.id = roleId(role);
        roleTarget.displayName = m_roleNames.at(role);
        roleTarget.type = QStringLiteral("Role");
        AuditEvent::TargetResource userTarget;
        userTarget.id = actorId(actor);
        userTarget.displayName = QStringLiteral("User %1 Example").arg(actor);
        userTarget.userPrincipalName = QStringLiteral("user%1@contoso.example").arg(actor);
        userTarget.type = QStringLiteral("User");
        e.targetResources = {roleTarget, userTarget};
        const int words = 3 + int(m_rng.bounded(6));
        QStringList reason;
        for (int i = 0; i < words; ++i) {
            reason << m_words.at(zipf(m_vocabulary));
        }
        e.resultReason = reason.join(u' ');
        e.additionalDetails << AuditEvent::KeyValue{QStringLiteral("RequestId"), uuid()};
        if (m_rng.bounded(4) == 0) {
            e.additionalDetails << AuditEvent::KeyValue{QStringLiteral("TicketNumber"),
                                                        QStringLiteral("INC%1").arg(m_rng.bounded(1000000))};
        }
        return e;
    }

    QRandomGenerator& rng() { return m_rng; }

private:
    QRandomGenerator m_rng;
    int m_actors;
    int m_roles;
    int m_vocabulary;
    QStringList m_words;
    QStringList m_roleNames;
};

} // namespace Elevate::Testing
