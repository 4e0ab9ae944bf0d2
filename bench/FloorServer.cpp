// The floor the elevated benchmark compares against: a bare QHttpServer answering with one
// indexed SELECT, or one INSERT transaction, per request on SQLite (WAL). Whatever elevated
// adds (routing, authentication, the engine, JSON, the audit chain) shows as the distance to
// these numbers.
//   elevate-bench-floor PORT DATABASE-FILE full|normal
#include <QCoreApplication>
#include <QHttpServer>
#include <QHttpServerResponse>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTextStream>
#include <QUrlQuery>

#include <sqlite3.h>

int main(int argc, char* argv[])
{
    // The same process-wide SQLite settings as elevated (Database::configureSqliteLibrary).
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() != 4) {
        QTextStream(stderr) << "usage: elevate-bench-floor PORT DATABASE-FILE full|normal\n";
        return 2;
    }
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"));
    db.setDatabaseName(args.at(2));
    if (!db.open()) {
        return 1;
    }
    QSqlQuery setup(db);
    setup.exec(QStringLiteral("PRAGMA journal_mode=WAL"));
    setup.exec(args.at(3) == u"full" ? QStringLiteral("PRAGMA synchronous=FULL") : QStringLiteral("PRAGMA synchronous=NORMAL"));
    setup.exec(QStringLiteral("CREATE TABLE IF NOT EXISTS items (id INTEGER PRIMARY KEY, owner TEXT NOT NULL, body TEXT NOT NULL)"));
    setup.exec(QStringLiteral("CREATE INDEX IF NOT EXISTS items_owner ON items (owner)"));
    setup.exec(QStringLiteral("BEGIN"));
    for (int i = 0; i < 10000; ++i) {
        QSqlQuery q(db);
        q.prepare(QStringLiteral("INSERT INTO items (owner, body) VALUES (?, ?)"));
        q.addBindValue(QStringLiteral("user%1").arg(i % 512));
        q.addBindValue(QStringLiteral("{\"id\":%1}").arg(i));
        q.exec();
    }
    setup.exec(QStringLiteral("COMMIT"));

    QHttpServer server;
    server.route(QStringLiteral("/select"), [&db](const QHttpServerRequest& request) {
        static int n = 0;
        QSqlQuery q(db);
        q.prepare(QStringLiteral("SELECT id, body FROM items WHERE owner = ? LIMIT 20"));
        q.addBindValue(QStringLiteral("user%1").arg(n++ % 512));
        q.exec();
        QByteArray out = "[";
        while (q.next()) {
            out += q.value(1).toByteArray() + ',';
        }
        out.chop(1);
        out += ']';
        Q_UNUSED(request);
        return QHttpServerResponse(QByteArrayLiteral("application/json"), out.size() > 1 ? out : QByteArrayLiteral("[]"));
    });
    server.route(QStringLiteral("/insert"), [&db](const QHttpServerRequest& request) {
        QSqlQuery q(db);
        q.exec(QStringLiteral("BEGIN IMMEDIATE"));
        q.prepare(QStringLiteral("INSERT INTO items (owner, body) VALUES (?, ?)"));
        q.addBindValue(QStringLiteral("writer"));
        q.addBindValue(QString::fromUtf8(request.body()));
        q.exec();
        QSqlQuery(db).exec(QStringLiteral("COMMIT"));
        return QHttpServerResponse(QByteArrayLiteral("application/json"), QByteArrayLiteral("{}"),
                                   QHttpServerResponse::StatusCode::Created);
    });
    if (server.listen(QHostAddress::LocalHost, static_cast<quint16>(args.at(1).toUInt())) == 0) {
        return 1;
    }
    return app.exec();
}
