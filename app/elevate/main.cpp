// elevate: the console. Only builds the composition root (app/console/Console).
#include "Console.h"
#include "SqliteConnection.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QLibraryInfo>
#include <QLocale>
#include <QTranslator>

int main(int argc, char* argv[])
{
    // Before anything opens a database or starts a thread (the demo embeds elevated).
    Elevate::Cache::configureSqliteLibrary();
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("Elevate"));
    QApplication::setApplicationName(QStringLiteral("elevate"));
    QApplication::setApplicationDisplayName(QStringLiteral("Elevate"));
    QApplication::setApplicationVersion(QStringLiteral(ELEVATE_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("org.elevate.Elevate"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/elevate.svg")));

    // The system locale picks the translation; Qt's own strings follow it too.
    QTranslator qtTranslator;
    if (qtTranslator.load(QLocale(), QStringLiteral("qtbase"), QStringLiteral("_"),
                          QLibraryInfo::path(QLibraryInfo::TranslationsPath))) {
        QApplication::installTranslator(&qtTranslator);
    }
    QTranslator translator;
    if (translator.load(QLocale(), QStringLiteral("elevate"), QStringLiteral("_"), QStringLiteral(":/i18n"))) {
        QApplication::installTranslator(&translator);
    }

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate(
        "main", "Just-in-time privileged access for Microsoft Entra ID and the self-hosted elevated server."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption demo(QStringLiteral("demo"),
                                  QApplication::translate("main", "Start an embedded elevated with a demo organisation "
                                                                  "and sign in as one of its people."));
    const QCommandLineOption persona(QStringLiteral("persona"),
                                     QApplication::translate("main", "Demo: who signs in first (alex, megan, diego, isaiah, adele)."),
                                     QStringLiteral("name"));
    const QCommandLineOption profile(QStringLiteral("profile"), QApplication::translate("main", "The profile to open."),
                                     QStringLiteral("name"));
    const QCommandLineOption pane(QStringLiteral("pane"),
                                  QApplication::translate("main", "The pane to show first (roles, approvals, reviews, audit, alerts)."),
                                  QStringLiteral("pane"));
    parser.addOptions({demo, persona, profile, pane});
    parser.process(app);

    Elevate::Console::Options options;
    options.demo = parser.isSet(demo);
    options.persona = parser.value(persona);
    options.profile = parser.value(profile);
    options.pane = parser.value(pane);
    Elevate::Console console(options);
    console.start();
    return QApplication::exec();
}
