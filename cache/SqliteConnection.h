#pragma once

#include <QHash>
#include <QSqlQuery>
#include <QString>
#include <QStringList>
#include <QVariant>

#include <functional>
#include <initializer_list>

namespace Elevate::Cache {

// Process-wide SQLite settings. Call from main() before anything opens a database or starts a
// thread: SQLite accepts them only before its first use (afterwards this returns false and
// changes nothing). Turns off SQLite's memory statistics, which nothing here reads: with them
// on, every allocation and free inside SQLite takes one process-wide mutex, which the archive's
// storing and text-indexing threads then contend for during a first sync.
bool configureSqliteLibrary();

// One Qt Sql connection to one SQLite file, with the house rules: a unique connection name,
// the pragmas the owner asks for, a cache of prepared statements (SQLite spends more time
// parsing a short statement than running it) and BEGIN IMMEDIATE transactions.
//
// Threading: a Qt Sql connection belongs to the thread that opened it; use the object only from
// that thread. Other threads open their own SqliteConnection on the same file (WAL lets readers
// run beside one writer).
class SqliteConnection final
{
public:
    SqliteConnection();
    ~SqliteConnection();
    SqliteConnection(const SqliteConnection&) = delete;
    SqliteConnection& operator=(const SqliteConnection&) = delete;

    // Opens (creating) the file, restricts it to its owner (0600) and runs each pragma in
    // order. False with a sentence in lastError() when any step fails.
    bool open(const QString& path, const QStringList& pragmas);
    void close();
    bool isOpen() const;
    QString path() const { return m_path; }
    QString connectionName() const { return m_connectionName; }
    QSqlDatabase handle() const;

    // A cached prepared statement, positional bindings. Do not re-run a statement while an
    // earlier result of the same text is still being read (copies share one statement).
    QSqlQuery prepare(const QString& sql);
    // Binds values by position and executes; logs and returns false on error.
    bool exec(QSqlQuery& query, std::initializer_list<QVariant> values = {});
    bool execList(QSqlQuery& query, const QVariantList& values);
    // One statement, not cached (DDL, pragmas).
    bool execDirect(const QString& sql);
    // First column of the first row, or an invalid QVariant.
    QVariant scalar(const QString& sql, std::initializer_list<QVariant> values = {});

    // Runs f in one write transaction (BEGIN IMMEDIATE). Commits when f returns true, rolls back
    // when it returns false or a statement failed. A nested call runs in a savepoint of the
    // outer transaction: when it fails, only its own changes are undone.
    bool transaction(const std::function<bool()>& f);
    bool inTransaction() const { return m_depth > 0; }
    // A long write transaction that transaction() calls join (each in a savepoint) until
    // commitLong(): many small units, one commit (a bulk load). Nothing in it is durable before.
    bool beginLong();
    bool commitLong();
    // Abandons the long transaction (everything since beginLong()).
    void rollbackLong();
    bool inLongTransaction() const { return m_depth == 1; }

    QString lastError() const { return m_lastError; }
    // SQLite's (extended) result code of the last failure, 0 when unknown.
    int lastNativeCode() const { return m_lastNativeCode; }
    void setLastError(const QString& error, int nativeCode = 0)
    {
        m_lastError = error;
        m_lastNativeCode = nativeCode;
        if (m_depth > 0) {
            m_failed = true; // a failed raw statement fails the transaction like a Qt one
        }
    }

private:
    QHash<QString, QSqlQuery> m_statements;
    QString m_connectionName;
    QString m_path;
    QString m_lastError;
    int m_lastNativeCode = 0;
    int m_depth = 0;
    bool m_failed = false;
};

} // namespace Elevate::Cache
