#include "SqliteConnection.h"

#include "CacheLog.h"

#include <QFile>
#include <QSqlError>
#include <QUuid>

#include <sqlite3.h>

namespace Elevate::Cache {

bool configureSqliteLibrary()
{
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) == SQLITE_OK;
}

namespace {

QString describe(const QSqlError& e)
{
    return e.text().isEmpty() ? QStringLiteral("unknown database error") : e.text();
}

// Qt binds a null QString as SQL NULL; an empty Graph field is '' here (NULL only when the
// caller binds an invalid QVariant on purpose).
QVariant bindable(const QVariant& v)
{
    if (v.typeId() == QMetaType::QString && v.toString().isNull()) {
        return QStringLiteral("");
    }
    return v;
}

} // namespace

SqliteConnection::SqliteConnection()
    : m_connectionName(QStringLiteral("elevate-cache-") + QUuid::createUuid().toString(QUuid::WithoutBraces))
{
}

SqliteConnection::~SqliteConnection()
{
    close();
}

QSqlDatabase SqliteConnection::handle() const
{
    return QSqlDatabase::database(m_connectionName, false);
}

bool SqliteConnection::isOpen() const
{
    return QSqlDatabase::contains(m_connectionName) && handle().isOpen();
}

bool SqliteConnection::open(const QString& path, const QStringList& pragmas)
{
    close();
    m_path = path;
    {
        // Create the file first with owner-only permissions, so no other user can open it in
        // the window between SQLite creating it and us tightening its mode.
        QFile file(path);
        if (!file.exists()) {
            if (!file.open(QIODevice::WriteOnly)) {
                m_lastError = QStringLiteral("cannot create %1: %2").arg(path, file.errorString());
                return false;
            }
            file.close();
        }
        QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    }
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connectionName);
        db.setDatabaseName(path);
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
        if (!db.open()) {
            m_lastError = QStringLiteral("cannot open %1: %2").arg(path, describe(db.lastError()));
            qCWarning(lcCache) << m_lastError;
            return false;
        }
    }
    for (const QString& pragma : pragmas) {
        if (!execDirect(pragma)) {
            return false;
        }
    }
    return true;
}

void SqliteConnection::close()
{
    m_statements.clear();
    if (QSqlDatabase::contains(m_connectionName)) {
        {
            QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
            db.close();
        }
        QSqlDatabase::removeDatabase(m_connectionName);
    }
    m_depth = 0;
}

QSqlQuery SqliteConnection::prepare(const QString& sql)
{
    const auto cached = m_statements.constFind(sql);
    if (cached != m_statements.constEnd()) {
        // Copies of a QSqlQuery share one prepared statement; that sharing is the point here.
        QT_WARNING_PUSH
        QT_WARNING_DISABLE_DEPRECATED
        QSqlQuery q = *cached;
        QT_WARNING_POP
        q.finish();
        return q;
    }
    QSqlQuery q(handle());
    q.setForwardOnly(true);
    if (!q.prepare(sql)) {
        m_lastError = describe(q.lastError());
        qCWarning(lcCache) << "prepare failed:" << m_lastError << sql;
        return q;
    }
    if (m_statements.size() >= 256) {
        m_statements.clear();
    }
    QT_WARNING_PUSH
    QT_WARNING_DISABLE_DEPRECATED
    m_statements.insert(sql, q);
    QT_WARNING_POP
    return q;
}

bool SqliteConnection::exec(QSqlQuery& query, std::initializer_list<QVariant> values)
{
    int i = 0;
    for (const QVariant& v : values) {
        query.bindValue(i++, bindable(v));
    }
    if (!query.exec()) {
        m_lastError = describe(query.lastError());
        m_lastNativeCode = query.lastError().nativeErrorCode().toInt();
        qCWarning(lcCache) << "statement failed:" << m_lastError << query.lastQuery();
        m_failed = true;
        return false;
    }
    return true;
}

bool SqliteConnection::execList(QSqlQuery& query, const QVariantList& values)
{
    for (int i = 0; i < values.size(); ++i) {
        query.bindValue(i, bindable(values.at(i)));
    }
    if (!query.exec()) {
        m_lastError = describe(query.lastError());
        m_lastNativeCode = query.lastError().nativeErrorCode().toInt();
        qCWarning(lcCache) << "statement failed:" << m_lastError << query.lastQuery();
        m_failed = true;
        return false;
    }
    return true;
}

bool SqliteConnection::execDirect(const QString& sql)
{
    QSqlQuery q(handle());
    if (!q.exec(sql)) {
        m_lastError = QStringLiteral("%1 failed: %2").arg(sql.left(80), describe(q.lastError()));
        m_lastNativeCode = q.lastError().nativeErrorCode().toInt();
        qCWarning(lcCache) << m_lastError;
        m_failed = true;
        return false;
    }
    return true;
}

QVariant SqliteConnection::scalar(const QString& sql, std::initializer_list<QVariant> values)
{
    QSqlQuery q = prepare(sql);
    if (!exec(q, values) || !q.next()) {
        return {};
    }
    QVariant v = q.value(0);
    q.finish();
    return v;
}

bool SqliteConnection::transaction(const std::function<bool()>& f)
{
    if (m_depth > 0) {
        // Nested: a savepoint, so a failing inner unit is undone alone and the outer one decides.
        const QString name = QStringLiteral("nested%1").arg(m_depth);
        if (!execDirect(QStringLiteral("SAVEPOINT ") + name)) {
            return false;
        }
        const bool outerFailed = m_failed;
        m_failed = false;
        ++m_depth;
        bool ok = f() && !m_failed;
        --m_depth;
        if (ok) {
            ok = execDirect(QStringLiteral("RELEASE ") + name);
        }
        if (!ok) {
            const QString reason = m_lastError;
            QSqlQuery(handle()).exec(QStringLiteral("ROLLBACK TO ") + name);
            QSqlQuery(handle()).exec(QStringLiteral("RELEASE ") + name);
            m_lastError = reason;
        }
        m_failed = outerFailed;
        return ok;
    }
    QSqlQuery begin = prepare(QStringLiteral("BEGIN IMMEDIATE"));
    if (!exec(begin)) {
        return false;
    }
    m_depth = 1;
    m_failed = false;
    bool ok = f() && !m_failed;
    m_depth = 0;
    if (ok) {
        QSqlQuery commit = prepare(QStringLiteral("COMMIT"));
        if (!exec(commit)) {
            ok = false;
        }
    }
    if (!ok) {
        const QString reason = m_lastError;
        QSqlQuery(handle()).exec(QStringLiteral("ROLLBACK"));
        m_lastError = reason;
    }
    m_failed = false;
    return ok;
}

bool SqliteConnection::beginLong()
{
    if (m_depth > 0) {
        m_lastError = QStringLiteral("a transaction is already open");
        return false;
    }
    QSqlQuery begin = prepare(QStringLiteral("BEGIN IMMEDIATE"));
    if (!exec(begin)) {
        return false;
    }
    m_depth = 1;
    m_failed = false;
    return true;
}

void SqliteConnection::rollbackLong()
{
    if (m_depth != 1) {
        return;
    }
    m_depth = 0;
    m_failed = false;
    const QString reason = m_lastError;
    QSqlQuery(handle()).exec(QStringLiteral("ROLLBACK"));
    m_lastError = reason;
}

bool SqliteConnection::commitLong()
{
    if (m_depth != 1) {
        return m_depth == 0;
    }
    m_depth = 0;
    m_failed = false;
    QSqlQuery commit = prepare(QStringLiteral("COMMIT"));
    if (!exec(commit)) {
        const QString reason = m_lastError;
        QSqlQuery(handle()).exec(QStringLiteral("ROLLBACK"));
        m_lastError = reason;
        return false;
    }
    return true;
}

} // namespace Elevate::Cache
