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

bool SqliteStatement::check(int rc)
{
    if (rc == SQLITE_OK) {
        return true;
    }
    fail();
    sqlite3_reset(m_statement);
    sqlite3_clear_bindings(m_statement);
    return false;
}

bool SqliteStatement::bindNull(int index)
{
    return m_statement && check(sqlite3_bind_null(m_statement, index));
}

bool SqliteStatement::bindInt(int index, qint64 value)
{
    return m_statement && check(sqlite3_bind_int64(m_statement, index, value));
}

bool SqliteStatement::bindText(int index, QStringView text)
{
    if (!m_statement || index < 1) {
        return m_statement && check(SQLITE_RANGE);
    }
    // Encoded here into a buffer kept per parameter (SQLITE_STATIC): bound as UTF-16, SQLite
    // would translate it into a buffer it allocates and frees on every step.
    if (m_utf8.size() < qsizetype(index)) {
        m_utf8.resize(index);
    }
    QByteArray& buffer = m_utf8[index - 1];
    buffer.resize(qMax<qsizetype>(1, text.size() * 3)); // the worst case: 3 bytes per UTF-16 unit
    char* const end = m_encoder.appendToBuffer(buffer.data(), text);
    return check(sqlite3_bind_text(m_statement, index, buffer.constData(), int(end - buffer.constData()), SQLITE_STATIC));
}

bool SqliteStatement::bindTextOrNull(int index, QStringView text)
{
    return text.isEmpty() ? bindNull(index) : bindText(index, text);
}

bool SqliteStatement::bindBlob(int index, QByteArrayView bytes)
{
    return m_statement
        && check(sqlite3_bind_blob(m_statement, index, bytes.isEmpty() ? "" : bytes.data(), int(bytes.size()),
                                   SQLITE_STATIC));
}

bool SqliteStatement::step()
{
    if (!m_statement) {
        return false;
    }
    const int rc = sqlite3_step(m_statement);
    const bool ok = rc == SQLITE_DONE || rc == SQLITE_ROW;
    if (!ok) {
        fail();
    }
    sqlite3_reset(m_statement);
    sqlite3_clear_bindings(m_statement);
    return ok;
}

bool SqliteStatement::next()
{
    m_stepFailed = false;
    if (!m_statement) {
        m_stepFailed = true;
        return false;
    }
    const int rc = sqlite3_step(m_statement);
    if (rc == SQLITE_ROW) {
        return true;
    }
    m_stepFailed = rc != SQLITE_DONE;
    if (m_stepFailed) {
        fail();
    }
    return false;
}

qint64 SqliteStatement::columnInt(int column) const
{
    return sqlite3_column_int64(m_statement, column);
}

QString SqliteStatement::columnText(int column) const
{
    const auto* data = static_cast<const char16_t*>(sqlite3_column_text16(m_statement, column));
    return data ? QString::fromUtf16(data, sqlite3_column_bytes16(m_statement, column) / 2) : QString();
}

QByteArray SqliteStatement::columnBytes(int column) const
{
    const void* data = sqlite3_column_blob(m_statement, column);
    return QByteArray(static_cast<const char*>(data), data ? sqlite3_column_bytes(m_statement, column) : 0);
}

void SqliteStatement::reset()
{
    if (m_statement) {
        sqlite3_reset(m_statement);
        sqlite3_clear_bindings(m_statement);
    }
}

int SqliteStatement::changes() const
{
    return m_db ? sqlite3_changes(m_db) : 0;
}

qint64 SqliteStatement::lastInsertRowId() const
{
    return m_db ? sqlite3_last_insert_rowid(m_db) : 0;
}

} // namespace Elevate::Cache
