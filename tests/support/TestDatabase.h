#pragma once

// The database a server test runs on. By default a fresh SQLite file in the test's temporary
// folder. The *_pg ctest entries set ELEVATE_TEST_PG_DIR to the folder of the throw-away cluster
// that scripts/pg-test-cluster.sh started (fixture PgCluster): then every call creates a fresh
// PostgreSQL database on that cluster. ELEVATE_TEST_DATABASE=postgresql://... (with PGPASSWORD)
// points the same tests at any cluster whose role may CREATE DATABASE.

#include <QFile>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QString>
#include <QTemporaryDir>
#include <QUrl>
#include <QUuid>

namespace Elevate::TestSupport {

// The PostgreSQL cluster's URL when this run is a PostgreSQL run, else empty. Sets PGPASSWORD
// from the cluster folder. *unavailable says why a PostgreSQL run cannot run.
inline QString postgresBaseUrl(QString* unavailable)
{
    const QString dir = qEnvironmentVariable("ELEVATE_TEST_PG_DIR");
    if (!dir.isEmpty()) {
        QFile url(dir + QStringLiteral("/url"));
        QFile password(dir + QStringLiteral("/password"));
        if (!url.open(QIODevice::ReadOnly) || !password.open(QIODevice::ReadOnly)) {
            *unavailable = QStringLiteral("PostgreSQL could not be started: no cluster in %1 (the PgCluster fixture "
                                          "runs scripts/pg-test-cluster.sh start)")
                               .arg(dir);
            return {};
        }
        qputenv("PGPASSWORD", password.readAll().trimmed());
        return QString::fromUtf8(url.readAll().trimmed());
    }
    return qEnvironmentVariable("ELEVATE_TEST_DATABASE");
}

inline bool postgresRun()
{
    return !qEnvironmentVariableIsEmpty("ELEVATE_TEST_PG_DIR")
        || qEnvironmentVariable("ELEVATE_TEST_DATABASE").startsWith(u"postgres");
}

// A URL of a new, empty database: "sqlite:DIR/NAME.db", or a new PostgreSQL database.
// Empty with *error set when it cannot be made.
inline QString freshDatabaseUrl(const QTemporaryDir& dir, const QString& name, QString* error)
{
    QString unavailable;
    const QString base = postgresBaseUrl(&unavailable);
    if (!unavailable.isEmpty()) {
        *error = unavailable;
        return {};
    }
    if (!base.startsWith(u"postgres")) {
        return QStringLiteral("sqlite:") + dir.filePath(name + QStringLiteral(".db"));
    }
    QUrl url(base);
    const QString database = QStringLiteral("t_") + name.toLower().remove(u'-').remove(u'.').left(20) + u'_'
        + QUuid::createUuid().toString(QUuid::Id128).left(12);
    const QString connection = QStringLiteral("create-") + database;
    {
        QSqlDatabase admin = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), connection);
        admin.setHostName(url.host());
        admin.setPort(url.port(5432));
        admin.setUserName(url.userName());
        admin.setDatabaseName(url.path().mid(1));
        if (!admin.open()) {
            *error = QStringLiteral("PostgreSQL at %1: %2").arg(base, admin.lastError().text());
        } else {
            QSqlQuery q(admin);
            if (!q.exec(QStringLiteral("CREATE DATABASE %1").arg(database))) {
                *error = q.lastError().text();
            }
            admin.close();
        }
    }
    QSqlDatabase::removeDatabase(connection);
    if (!error->isEmpty()) {
        return {};
    }
    url.setPath(u'/' + database);
    return url.toString();
}

} // namespace Elevate::TestSupport
