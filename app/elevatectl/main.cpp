// elevatectl: the composition root only. The commands live in elevate_cli (app/cli/).
#include "Cli.h"
#include "SqliteConnection.h"

#include <QCoreApplication>
#include <QLoggingCategory>
#include <QProcess>
#include <QTimer>

#include <cstdio>

int main(int argc, char* argv[])
{
    // Before anything opens a database or starts a thread (the demo embeds elevated).
    Elevate::Cache::configureSqliteLibrary();
    QCoreApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("Elevate"));
    QCoreApplication::setApplicationName(QStringLiteral("elevatectl"));
    QCoreApplication::setApplicationVersion(QStringLiteral(ELEVATE_VERSION));
    const QStringList arguments = QCoreApplication::arguments();
    // Quiet by default; --verbose shows the network log (redacted: never a token).
    if (!arguments.contains(QStringLiteral("--verbose"))) {
        QLoggingCategory::setFilterRules(QStringLiteral("elevate.*.info=false\nqt.*.info=false"));
    }

    QTextStream out(stdout);
    QTextStream err(stderr);
    Elevate::Cli::Environment env;
    // A command-line tool has no QGuiApplication for QDesktopServices: $BROWSER when set (the
    // usual convention), else the desktop's opener.
    env.openBrowser = [](const QUrl& url) {
        const QString browser = qEnvironmentVariable("BROWSER");
        return QProcess::startDetached(browser.isEmpty() ? QStringLiteral("xdg-open") : browser, {url.toString(QUrl::FullyEncoded)});
    };
    Elevate::Cli cli(arguments, out, err, env);
    QObject::connect(&cli, &Elevate::Cli::finished, &app, [](int code) { QCoreApplication::exit(code); });
    QTimer::singleShot(0, &cli, &Elevate::Cli::start);
    return app.exec();
}
