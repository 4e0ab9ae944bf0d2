#include "SqliteStatement.h"

#include "SqliteConnection.h"

#include <QSqlDatabase>
#include <QSqlDriver>

#include <sqlite3.h>

namespace Elevate::Cache {

sqlite3* SqliteStatement::handleOf(SqliteConnection& connection)
{
    const QVariant v = connection.handle().driver()->handle();
    // Qt documents this cast for the QSQLITE driver (QSqlDriver::handle()).
    if (!v.isValid() || qstrcmp(v.typeName(), "sqlite3*") != 0) {
        return nullptr;
    }
    return *static_cast<sqlite3* const*>(v.constData());
}

SqliteStatement::SqliteStatement(SqliteConnection& connection, const char* sql)
    : m_connection(connection)
    , m_db(handleOf(connection))
{
    if (!m_db) {
        m_connection.setLastError(QStringLiteral("no SQLite handle"));
        return;
    }
    if (sqlite3_prepare_v3(m_db, sql, -1, SQLITE_PREPARE_PERSISTENT, &m_statement, nullptr) != SQLITE_OK) {
        fail();
        m_statement = nullptr;
    }
}

SqliteStatement::~SqliteStatement()
{
    sqlite3_finalize(m_statement);
}

bool SqliteStatement::fail()
{
    m_connection.setLastError(QString::fromUtf8(sqlite3_errmsg(m_db)), sqlite3_extended_errcode(m_db));
    return false;
}

bool SqliteStatement::run(std::initializer_list<QVariant> values)
{
    if (!m_statement) {
        return false;
    }
    int index = 1;
    int rc = SQLITE_OK;
    for (const QVariant& v : values) {
        switch (v.typeId()) {
        case QMetaType::UnknownType:
            rc = sqlite3_bind_null(m_statement, index);
            break;
        case QMetaType::QString: {
            const QString s = v.toString();
            const void* data = s.isNull() ? static_cast<const void*>(u"") : static_cast<const void*>(s.utf16());
            rc = sqlite3_bind_text16(m_statement, index, data, int(s.size() * 2), SQLITE_TRANSIENT);
            break;
        }
        case QMetaType::QByteArray: {
            const QByteArray b = v.toByteArray();
            rc = sqlite3_bind_blob(m_statement, index, b.constData(), int(b.size()), SQLITE_TRANSIENT);
            break;
        }
        case QMetaType::Int:
        case QMetaType::LongLong:
        case QMetaType::UInt:
        case QMetaType::Bool:
            rc = sqlite3_bind_int64(m_statement, index, v.toLongLong());
            break;
        default:
            rc = v.isNull() ? sqlite3_bind_null(m_statement, index)
                            : sqlite3_bind_text16(m_statement, index, v.toString().utf16(),
                                                  int(v.toString().size() * 2), SQLITE_TRANSIENT);
            break;
        }
        if (rc != SQLITE_OK) {
            sqlite3_reset(m_statement);
            return fail();
        }
        ++index;
    }
    rc = sqlite3_step(m_statement);
    const bool ok = rc == SQLITE_DONE || rc == SQLITE_ROW;
    if (!ok) {
        fail();
    }
    sqlite3_reset(m_statement);
    sqlite3_clear_bindings(m_statement);
    return ok;
}

int SqliteStatement::changes() const
{
    return m_db ? sqlite3_changes(m_db) : 0;
}

} // namespace Elevate::Cache
