#pragma once

#include <QString>
#include <QVariant>

#include <initializer_list>

struct sqlite3;
struct sqlite3_stmt;

namespace Elevate::Cache {

class SqliteConnection;

// A statement prepared directly on the SQLite handle under a Qt Sql connection, for the few
// statements run hundreds of thousands of times (the audit archive's inserts): Qt's binding
// layer costs several microseconds per value there. Same file, same transaction as the Qt
// statements of the connection. Finalized by the destructor: keep the object shorter-lived
// than the connection.
class SqliteStatement final
{
public:
    SqliteStatement(SqliteConnection& connection, const char* sql);
    ~SqliteStatement();
    SqliteStatement(const SqliteStatement&) = delete;
    SqliteStatement& operator=(const SqliteStatement&) = delete;

    bool isValid() const { return m_statement != nullptr; }
    // Binds values by position (a null QString binds '', an invalid QVariant NULL), runs the
    // statement to completion and resets it. False on error, with the connection's lastError.
    bool run(std::initializer_list<QVariant> values);
    // Rows changed by the last run().
    int changes() const;

    // The SQLite handle under a Qt Sql (QSQLITE) connection, or nullptr.
    static sqlite3* handleOf(SqliteConnection& connection);

private:
    bool fail();

    SqliteConnection& m_connection;
    sqlite3* m_db = nullptr;
    sqlite3_stmt* m_statement = nullptr;
};

} // namespace Elevate::Cache
