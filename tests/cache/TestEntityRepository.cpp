#include "CacheDatabase.h"
#include "EntityRepository.h"

#include <QTemporaryDir>
#include <QTest>

using namespace Elevate;
using namespace Elevate::Cache;

namespace {

Eligibility eligibility(const QString& id, const QString& roleId)
{
    Eligibility e;
    e.id = id;
    e.principalId = QStringLiteral("user-1");
    e.roleDefinitionId = roleId;
    e.directoryScopeId = QStringLiteral("/");
    e.startDateTime = Timestamp::fromSecsSinceEpoch(1'700'000'000);
    e.memberType = MemberType::Direct;
    RoleDefinition r;
    r.id = roleId;
    r.displayName = QStringLiteral("Role ") + roleId;
    e.roleDefinition = r;
    return e;
}

ScheduleRequest request(const QString& id, RequestStatus status)
{
    ScheduleRequest r;
    r.id = id;
    r.action = RequestAction::SelfActivate;
    r.status = status;
    r.principalId = QStringLiteral("user-2");
    r.roleDefinitionId = QStringLiteral("role-1");
    r.directoryScopeId = QStringLiteral("/");
    r.justification = QStringLiteral("incident 42");
    r.createdDateTime = Timestamp::fromSecsSinceEpoch(1'780'000'000);
    return r;
}

} // namespace

class TestEntityRepository final : public QObject
{
    Q_OBJECT

private slots:
    void roundTripsEveryEntity()
    {
        QTemporaryDir dir;
        CacheDatabase db;
        QVERIFY(db.open(dir.filePath(QStringLiteral("c.db"))));

        EligibilityRepository eligibilities(db);
        const QList<Eligibility> e = {eligibility(QStringLiteral("e2"), QStringLiteral("r2")),
                                      eligibility(QStringLiteral("e1"), QStringLiteral("r1"))};
        QVERIFY(eligibilities.replaceCollection(QString(), e, QStringLiteral("eligibilities"),
                                                Timestamp::fromSecsSinceEpoch(5)));
        QCOMPARE(eligibilities.all(), e); // server order kept
        QCOMPARE(eligibilities.where(QString(), QStringLiteral("role_definition_id"), QStringLiteral("r1")),
                 QList<Eligibility>{e.at(1)});
        QVERIFY(eligibilities.where(QString(), QStringLiteral("json; DROP TABLE x"), 1).isEmpty());
        QCOMPARE(db.syncState(QStringLiteral("eligibilities"))->lastSync, Timestamp::fromSecsSinceEpoch(5));

        ActiveAssignment a;
        a.id = QStringLiteral("a1");
        a.roleDefinitionId = QStringLiteral("r1");
        a.assignmentType = AssignmentType::Activated;
        a.endDateTime = Timestamp::fromSecsSinceEpoch(1'780'003'600);
        ActiveAssignmentRepository assignments(db);
        QVERIFY(assignments.replaceCollection(QString(), {a}));
        QCOMPARE(assignments.find(QString(), QStringLiteral("a1")), a);

        // My requests and the approver's inbox are separate scopes of one type.
        ScheduleRequestRepository requests(db);
        QVERIFY(requests.replaceCollection(QStringLiteral("mine"), {request(QStringLiteral("q1"), RequestStatus::Provisioned)}));
        QVERIFY(requests.replaceCollection(QStringLiteral("approver"),
                                           {request(QStringLiteral("q2"), RequestStatus::PendingApproval),
                                            request(QStringLiteral("q3"), RequestStatus::PendingApproval)}));
        QCOMPARE(requests.count(QStringLiteral("mine")), 1);
        QCOMPARE(requests.count(QStringLiteral("approver")), 2);
        QCOMPARE(requests.where(QStringLiteral("approver"), QStringLiteral("status"),
                                static_cast<int>(RequestStatus::PendingApproval))
                     .size(),
                 2);

        Approval ap;
        ap.id = QStringLiteral("q2");
        ApprovalStep step;
        step.id = QStringLiteral("s1");
        step.status = ApprovalStepStatus::InProgress;
        step.assignedToMe = true;
        step.reviewResult = ReviewResult::NotReviewed;
        ap.steps << step;
        ApprovalRepository approvals(db);
        QVERIFY(approvals.replaceCollection(QString(), {ap}));
        QCOMPARE(approvals.where(QString(), QStringLiteral("actionable"), 1), QList<Approval>{ap});

        RolePolicyAssignment pa;
        pa.id = QStringLiteral("pa1");
        pa.policyId = QStringLiteral("p1");
        pa.roleDefinitionId = QStringLiteral("r1");
        pa.scopeId = QStringLiteral("/");
        pa.scopeType = PolicyScopeType::DirectoryRole;
        RolePolicy policy;
        policy.id = QStringLiteral("p1");
        ExpirationRule rule;
        rule.id = QStringLiteral("Expiration_EndUser_Assignment");
        rule.isExpirationRequired = true;
        policy.expirationRules << rule;
        pa.policy = policy;
        PolicyRepository policies(db);
        QVERIFY(policies.replaceCollection(QString(), {pa}));
        QCOMPARE(policies.where(QString(), QStringLiteral("role_definition_id"), QStringLiteral("r1")).value(0), pa);

        AccessReviewDefinition def;
        def.id = QStringLiteral("d1");
        def.displayName = QStringLiteral("Quarterly admins");
        def.status = ReviewStatus::InProgress;
        ReviewDefinitionRepository defs(db);
        QVERIFY(defs.replaceCollection(QString(), {def}));
        QCOMPARE(defs.all(), QList<AccessReviewDefinition>{def});

        AccessReviewInstance inst;
        inst.id = QStringLiteral("i1");
        inst.status = ReviewStatus::InProgress;
        ReviewInstanceRepository instances(db);
        QVERIFY(instances.replaceCollection(QStringLiteral("d1"), {inst}));
        QCOMPARE(instances.all(QStringLiteral("d1")), QList<AccessReviewInstance>{inst});
        QVERIFY(instances.all().isEmpty());

        ReviewDecision dec;
        dec.id = QStringLiteral("x1");
        dec.accessReviewId = QStringLiteral("i1");
        dec.decision = ReviewDecisionValue::NotReviewed;
        dec.recommendation = ReviewRecommendation::Approve;
        dec.principal.id = QStringLiteral("u9");
        dec.principal.displayName = QStringLiteral("Nine");
        ReviewDecisionRepository decisions(db);
        QVERIFY(decisions.replaceCollection(QStringLiteral("i1"), {dec}));
        dec.decision = ReviewDecisionValue::Approve;
        QVERIFY(decisions.upsert(QStringLiteral("i1"), {dec}));
        QCOMPARE(decisions.find(QStringLiteral("i1"), QStringLiteral("x1"))->decision, ReviewDecisionValue::Approve);
        QCOMPARE(decisions.count(QStringLiteral("i1")), 1);
        QVERIFY(decisions.remove(QStringLiteral("i1"), QStringLiteral("x1")));
        QCOMPARE(decisions.count(QStringLiteral("i1")), 0);

        RoleDefinition rd;
        rd.id = QStringLiteral("r1");
        rd.displayName = QStringLiteral("Global Administrator");
        RoleDefinitionRepository roles(db);
        QVERIFY(roles.replaceCollection(QString(), {rd}));
        QCOMPARE(roles.all(), QList<RoleDefinition>{rd});
    }

    void readerNeverSeesHalfARefresh()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("c.db"));
        CacheDatabase writer;
        QVERIFY(writer.open(path));
        EligibilityRepository w(writer);
        QList<Eligibility> before;
        for (int i = 0; i < 50; ++i) {
            before << eligibility(QStringLiteral("old-%1").arg(i), QStringLiteral("r"));
        }
        QVERIFY(w.replaceCollection(QString(), before, QStringLiteral("eligibilities")));

        CacheDatabase reader;
        QVERIFY(reader.open(path));
        EligibilityRepository r(reader);
        QList<Eligibility> after;
        for (int i = 0; i < 80; ++i) {
            after << eligibility(QStringLiteral("new-%1").arg(i), QStringLiteral("r"));
        }
        // Hold the refresh open (replaceCollection joins the outer transaction) and read from
        // the other connection in the middle of it.
        QList<Eligibility> seenDuring;
        QVERIFY(writer.connection().transaction([&] {
            if (!w.replaceCollection(QString(), after, QStringLiteral("eligibilities"))) {
                return false;
            }
            seenDuring = r.all();
            return true;
        }));
        QCOMPARE(seenDuring, before);
        QCOMPARE(r.all(), after);

        // A refresh that fails half way leaves the previous collection whole.
        QVERIFY(writer.connection().execDirect(QStringLiteral(
            "CREATE TRIGGER fail_on_bad BEFORE INSERT ON eligibilities WHEN NEW.id = 'bad' "
            "BEGIN SELECT RAISE(ABORT, 'injected failure'); END")));
        QList<Eligibility> broken = before;
        broken.insert(25, eligibility(QStringLiteral("bad"), QStringLiteral("r")));
        QVERIFY(!w.replaceCollection(QString(), broken, QStringLiteral("eligibilities")));
        QVERIFY(w.lastError().contains(QStringLiteral("injected failure")));
        QCOMPARE(r.all(), after);
        QCOMPARE(w.all(), after);
    }
};

QTEST_GUILESS_MAIN(TestEntityRepository)
#include "TestEntityRepository.moc"
