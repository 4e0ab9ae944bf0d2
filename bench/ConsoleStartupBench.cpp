// Start-up of the console, next to its floor, for bench/run-console-startup.sh:
//   elevate-bench-startup prepare DIR EVENTS   a profile whose cache holds EVENTS audit events
//   elevate-bench-startup bare                 the floor: a bare window with a table view
//   elevate-bench-startup console DIR [PANE]   the console over DIR's profile, showing PANE
// The window programs quit right after the first paint of their window and print their peak
// resident memory (getrusage); the script measures whole-process wall time around them.
#include "AuditFixtures.h"

#include "AuditStore.h"
#include "CacheDatabase.h"
#include "Console.h"
#include "MainWindow.h"
#include "ProfileStore.h"
#include "Workspace.h"

#include <QApplication>
#include <QDir>
#include <QMainWindow>
#include <QStandardItemModel>
#include <QTableView>
#include <QTimer>

#include <sys/resource.h>

#include <cstdio>

using namespace Elevate;

namespace {

// Quits once `window` (or a child) has been painted, after that paint completes.
class FirstPaint final : public QObject
{
public:
    explicit FirstPaint(QWidget* window)
        : m_window(window)
    {
        qApp->installEventFilter(this);
    }

protected:
    bool eventFilter(QObject* watched, QEvent* event) override
    {
        if (!m_done && event->type() == QEvent::Paint) {
            auto* w = qobject_cast<QWidget*>(watched);
            if (w && w->window() == m_window) {
                m_done = true;
                QTimer::singleShot(0, qApp, &QCoreApplication::quit);
            }
        }
        return false;
    }

private:
    QWidget* m_window;
    bool m_done = false;
};

void printPeak(const char* what)
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    std::printf("%s peak_rss_kb %ld\n", what, usage.ru_maxrss);
}

int prepare(const QString& dir, qint64 events)
{
    ProfileStore profiles(dir + QStringLiteral("/profiles.ini"));
    // Nobody listens on port 9: the console opens from the cache and then reports "offline".
    Profile profile = Profile::elevated(QStringLiteral("bench"), QUrl(QStringLiteral("http://127.0.0.1:9")));
    profile.id = QStringLiteral("bench");
    QString error;
    if (!profiles.save(profile, &error) || !profiles.setCurrent(profile.name)) {
        std::fprintf(stderr, "cannot save the profile: %s\n", qPrintable(error));
        return 1;
    }
    WorkspaceOptions options;
    options.dataDir = dir + QStringLiteral("/data");
    const QString folder = Workspace::storageFolder(options, profile);
    QDir().mkpath(folder);
    Cache::CacheDatabase cache;
    if (!cache.open(folder + QStringLiteral("/cache.sqlite"))) {
        std::fprintf(stderr, "cannot open the cache: %s\n", qPrintable(cache.lastError()));
        return 1;
    }
    Cache::AuditStore store(cache);
    Testing::AuditGenerator gen(20261126);
    const qint64 end = Timestamp::fromDateTime(QDateTime::currentDateTimeUtc()).ticks();
    const qint64 span = qint64(90) * 86400 * Timestamp::TicksPerSecond;
    const qint64 step = events > 0 ? span / events : 0;
    store.beginBulkLoad();
    QList<AuditEvent> page;
    for (qint64 i = 0; i < events; ++i) {
        page.append(gen.next(Timestamp::fromTicks(end - i * step)));
        if (page.size() == 1000 || i + 1 == events) {
            if (!store.merge(page)) {
                std::fprintf(stderr, "merge failed: %s\n", qPrintable(store.lastError()));
                return 1;
            }
            page.clear();
        }
    }
    if (!store.finishBulkLoad()) {
        std::fprintf(stderr, "finishBulkLoad failed: %s\n", qPrintable(store.lastError()));
        return 1;
    }
    cache.markSynced(QStringLiteral("audit"), Timestamp::fromDateTime(QDateTime::currentDateTimeUtc()));
    std::printf("prepared %lld events in %s\n", static_cast<long long>(store.size()), qPrintable(folder));
    return 0;
}

} // namespace

int main(int argc, char* argv[])
{
    QApplication app(argc, argv);
    const QStringList args = QCoreApplication::arguments();
    const QString mode = args.value(1);
    if (mode == u"prepare" && args.size() >= 4) {
        return prepare(args.at(2), args.at(3).toLongLong());
    }
    if (mode == u"bare") {
        QMainWindow window;
        QStandardItemModel model(20, 6);
        QTableView view;
        view.setModel(&model);
        window.setCentralWidget(&view);
        window.resize(1180, 720);
        FirstPaint watch(&window);
        window.show();
        QApplication::exec();
        printPeak("bare");
        return 0;
    }
    if (mode == u"console" && args.size() >= 3) {
        QApplication::setOrganizationName(QStringLiteral("ElevateBench"));
        QApplication::setApplicationName(QStringLiteral("startup"));
        Console::Options options;
        options.profilesFile = args.at(2) + QStringLiteral("/profiles.ini");
        options.dataDir = args.at(2) + QStringLiteral("/data");
        options.pane = args.value(3);
        Console console(options);
        FirstPaint watch(&console.window());
        console.start();
        QApplication::exec();
        printPeak("console");
        return 0;
    }
    std::fprintf(stderr, "usage: %s prepare DIR EVENTS | bare | console DIR [PANE]\n", argv[0]);
    return 2;
}
