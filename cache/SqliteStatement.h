#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QStringEncoder>
#include <QString>
#include <QStringView>
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
    // Rows changed by the last run() or step().
    int changes() const;
    // The row id of the connection's last successful INSERT.
    qint64 lastInsertRowId() const;

    // Typed binding without QVariant (the per-event insert path). Blobs are bound SQLITE_STATIC:
    // the caller keeps them alive until step() returns; text is bound as UTF-8 kept by the
    // statement (one buffer per parameter, reused).
    bool bindNull(int index);
    bool bindInt(int index, qint64 value);
    bool bindText(int index, QStringView text);         // null or empty binds ''
    bool bindTextOrNull(int index, QStringView text);   // empty binds NULL
    bool bindBlob(int index, QByteArrayView bytes);
    // Runs the bound statement to completion and resets it (bindings cleared). False on error.
    bool step();

    // Row-by-row reading (bind first): next() is true while there is a row; reset() ends it.
    // After next() returned false, failed() tells an error from the end of the rows.
    bool next();
    bool failed() const { return m_stepFailed; }
    qint64 columnInt(int column) const;
    QString columnText(int column) const;
    QByteArray columnBytes(int column) const;
    void reset();

    // The SQLite handle under a Qt Sql (QSQLITE) connection, or nullptr.
    static sqlite3* handleOf(SqliteConnection& connection);

private:
    bool fail();
    bool check(int rc);

    SqliteConnection& m_connection;
    sqlite3* m_db = nullptr;
    sqlite3_stmt* m_statement = nullptr;
    bool m_stepFailed = false;
    QStringEncoder m_encoder{QStringEncoder::Utf8, QStringConverter::Flag::Stateless};
    QList<QByteArray> m_utf8; // per parameter: the UTF-8 of the text bound last
};

} // namespace Elevate::Cache
