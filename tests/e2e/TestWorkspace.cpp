// The Workspace (one profile's client stack) against a real elevated: a persona signs in
// through the device code flow, the first sync fills the cache, and two workspaces of
// different personas keep separate caches.
#include "ConsoleFixture.h"

#include "CacheDatabase.h"
#include "EntityRepository.h"
#include "Outbox.h"
#include "Session.h"

#include <QFileInfo>

using namespace Elevate;

class TestWorkspace final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_fixture.start(&error), qPrintable(error));
    }

    void signsInAndFillsTheCache()
    {
        QString error;
        std::unique_ptr<Workspace> alex = m_fixture.workspace(QStringLiteral("alex"), &error);
        QVERIFY2(alex, qPrintable(error));
        QVERIFY(alex->hasStorage());
        QVERIFY(alex->tokens().isMemoryOnlyByChoice());
        // alex is no auditor: every collection comes but the audit log, which says why.
        const QStringList errors = ConsoleFixture::syncAll(*alex);
        QCOMPARE(errors.size(), 1);
        QVERIFY2(errors.first().contains(QStringLiteral("audit")), qPrintable(errors.first()));
        Cache::EligibilityRepository eligibilities(*alex->cache());
        QVERIFY(eligibilities.count() > 0);
        // The cache and the outbox live in the profile's own folder, readable by its owner only.
        const QString folder = Workspace::storageFolder({m_fixture.dataDir()}, alex->profile());
        QVERIFY(QFileInfo::exists(folder + QStringLiteral("/cache.sqlite")));
        QVERIFY(QFileInfo::exists(folder + QStringLiteral("/outbox.sqlite")));
        QCOMPARE(QFileInfo(folder + QStringLiteral("/cache.sqlite")).permissions()
                     & (QFile::ReadGroup | QFile::ReadOther | QFile::WriteGroup | QFile::WriteOther),
                 QFile::Permissions());
    }

    void personasKeepSeparateCaches()
    {
        QString error;
        std::unique_ptr<Workspace> megan = m_fixture.workspace(QStringLiteral("megan"), &error);
        QVERIFY2(megan, qPrintable(error));
        std::unique_ptr<Workspace> isaiah = m_fixture.workspace(QStringLiteral("isaiah"), &error);
        QVERIFY2(isaiah, qPrintable(error));
        QVERIFY(megan->cache()->path() != isaiah->cache()->path());
        QCOMPARE(ConsoleFixture::syncAll(*isaiah), QStringList());
        ConsoleFixture::syncAll(*megan);
        // megan approves: requests wait for her. isaiah, the auditor, has the audit archive.
        QVERIFY(Cache::ScheduleRequestRepository(*megan->cache()).count(QStringLiteral("approver")) > 0);
        QVERIFY(isaiah->engine()->audit().size() > 0);
        QCOMPARE(megan->engine()->audit().size(), 0);
    }

    void noStorageFolderMeansOnlineOnly()
    {
        WorkspaceOptions options;
        options.dataDir = QStringLiteral("/proc/elevate-cannot-write-here");
        options.tokensInMemoryOnly = true;
        Workspace ws(m_fixture.nam(), m_fixture.profileFor(QStringLiteral("alex")), options);
        QString problem;
        QVERIFY(!ws.openStorage(false, &problem));
        QVERIFY(problem.contains(QStringLiteral("online only")));
        QVERIFY(!ws.hasStorage());
        QCOMPARE(ws.cache(), nullptr);
    }

private:
    using ConsoleFixture = Testing::ConsoleFixture;
    ConsoleFixture m_fixture;
};

QTEST_GUILESS_MAIN(TestWorkspace)
#include "TestWorkspace.moc"
