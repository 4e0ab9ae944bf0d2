#include "Database.h"

#include "Schema.h"

#include <QFile>
#include <QLoggingCategory>
#include <QSqlError>
#include <QTimer>
#include <QUrl>
#include <QUrlQuery>
#include <QUuid>

namespace Elevate::Server {

Q_LOGGING_CATEGORY(lcStore, "elevate.server.store")

namespace {

QString describe(const QSqlError& e)
{
    return e.text().isEmpty() ? QStringLiteral("unknown database error") : e.text();
}

} // namespace

Database::Database()
    : m_connectionName(QStringLiteral("elevated-") + QUuid::createUuid().toString(QUuid::WithoutBraces))
{
}

Database::~Database()
{
    close();
}

QSqlDatabase Database::handle() const
{
    return QSqlDatabase::database(m_connectionName, false);
}

bool Database::isOpen() const
{
    return QSqlDatabase::contains(m_connectionName) && handle().isOpen();
}

bool Database::open(const QString& url, QString* error)
{
    close();
    m_url = url;
    if (url.startsWith(u"postgresql://") || url.startsWith(u"postgres://")) {
        m_dialect = Dialect::PostgreSQL;
        m_sql = SqlDialect(SqlDialect::Kind::PostgreSQL);
        return openPostgres(url, error) && configure(error) && migrate(error);
    }
    if (!url.startsWith(u"sqlite:")) {
        if (error) {
            *error = QStringLiteral("unsupported database URL (expected sqlite:PATH or postgresql://USER@HOST:PORT/DB): %1")
                         .arg(url);
        }
        return false;
    }
    m_dialect = Dialect::SQLite;
    m_sql = SqlDialect(SqlDialect::Kind::SQLite);
    return openSqlite(url.mid(7), error) && configure(error) && migrate(error);
}

bool Database::openSqlite(const QString& path, QString* error)
{
    if (path.isEmpty()) {
        if (error) {
            *error = QStringLiteral("the database URL names no file");
        }
        return false;
    }
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connectionName);
        db.setDatabaseName(path);
        // A busy timeout lets a second process (elevated + an `elevated user add`) wait its turn.
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
        if (!db.open()) {
            if (error) {
                *error = QStringLiteral("cannot open %1: %2").arg(path, describe(db.lastError()));
            }
            return false;
        }
    }
    if (path != u":memory:") {
        // The database holds password hashes and token hashes: owner only.
        QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    }
    return true;
}

bool Database::openPostgres(const QString& url, QString* error)
{
    const QUrl parsed(url, QUrl::StrictMode);
    const QString name = parsed.path().mid(1);
    if (!parsed.isValid() || name.isEmpty() || name.contains(u'/')) {
        if (error) {
            *error = QStringLiteral("expected postgresql://USER@HOST:PORT/DATABASE, got %1").arg(url);
        }
        return false;
    }
    if (!parsed.password().isEmpty()) {
        // URLs end up in process lists, shell histories and logs.
        if (error) {
            *error = QStringLiteral("the database URL must not carry a password: use PGPASSWORD or database-password-file");
        }
        return false;
    }
    if (!QSqlDatabase::isDriverAvailable(QStringLiteral("QPSQL"))) {
        if (error) {
            *error = QStringLiteral("Qt's PostgreSQL driver (QPSQL) is not installed (Debian: libqt6sql6-psql)");
        }
        return false;
    }
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), m_connectionName);
    db.setDatabaseName(QUrl::fromPercentEncoding(name.toUtf8()));
    // A host starting with %2F (or a host= option) is a Unix socket folder, as in libpq.
    const QString host = QUrl::fromPercentEncoding(parsed.host(QUrl::FullyEncoded).toUtf8());
    if (!host.isEmpty()) {
        db.setHostName(host);
    }
    if (parsed.port() > 0) {
        db.setPort(parsed.port());
    }
    if (!parsed.userName().isEmpty()) {
        db.setUserName(parsed.userName());
    }
    if (!m_password.isEmpty()) {
        db.setPassword(m_password);
    }
    // Query items are libpq options (sslmode, host for a socket folder, connect_timeout, ...).
    QStringList options{QStringLiteral("connect_timeout=10")};
    for (const auto& [key, value] : QUrlQuery(parsed).queryItems(QUrl::FullyDecoded)) {
        if (key == u"password") {
            if (error) {
                *error = QStringLiteral("the database URL must not carry a password: use PGPASSWORD or "
                                        "database-password-file");
            }
            QSqlDatabase::removeDatabase(m_connectionName);
            return false;
        }
        options << key + u'=' + value;
    }
    db.setConnectOptions(options.join(u';'));
    if (!db.open()) {
        if (error) {
            *error = QStringLiteral("cannot connect to %1: %2").arg(url, describe(db.lastError()));
        }
        return false;
    }
    return true;
}

void Database::close()
{
    if (m_batchOpen) {
        // Shutting down: keep what the batch holds, tell no one (the listener may be gone).
        m_batchListener = {};
        commitBatch();
    }
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

bool Database::configure(QString* error)
{
    return execAll(m_sql.connectionSettings(), error);
}

bool Database::execAll(const QStringList& statements, QString* error)
{
    for (const QString& sql : statements) {
        QSqlQuery q(handle());
        if (!q.exec(sql)) {
            m_lastError = QStringLiteral("%1 failed: %2").arg(sql, describe(q.lastError()));
            if (error) {
                *error = m_lastError;
            }
            return false;
        }
    }
    return true;
}

bool Database::setDurable(bool durable)
{
    QSqlQuery q(handle());
    return q.exec(m_sql.durability(durable));
}

int Database::schemaVersion()
{
    const QVariant v = scalar(QStringLiteral("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
    return v.isValid() ? v.toInt() : 0;
}

bool Database::migrate(QString* error)
{
    // Under the write lock (BEGIN IMMEDIATE; on PostgreSQL the advisory write lock): instances
    // starting together take turns, and each later one sees the table and the versions the
    // first one made.
    const bool created = transaction(
        [&] {
            QSqlQuery q(handle());
            if (!q.exec(QStringLiteral("CREATE TABLE IF NOT EXISTS schema_migrations ("
                                       "version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT "
                                       "NULL)"))) {
                m_lastError = describe(q.lastError());
                return false;
            }
            return true;
        },
        error);
    if (!created) {
        return false;
    }
    const QList<Migration> migrations = m_dialect == Dialect::PostgreSQL ? postgresMigrations() : sqliteMigrations();
    for (const Migration& m : migrations) {
        // Checked inside the transaction: a second process starting at the same moment waits
        // for the lock and then sees the migration already applied.
        const bool ok = transaction(
            [&] {
                if (schemaVersion() >= m.version) {
                    return true;
                }
                for (const QString& sql : m.statements) {
                    QSqlQuery q(handle());
                    if (!q.exec(sql)) {
                        m_lastError = QStringLiteral("migration %1: %2").arg(m.version).arg(describe(q.lastError()));
                        return false;
                    }
                }
                bool inserted = false;
                run(QStringLiteral("INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ")
                        + m_sql.nowIso() + u')',
                    {m.version, QString::fromUtf8(m.description)},
                    &inserted);
                return inserted;
            },
            error);
        if (!ok) {
            return false;
        }
    }
    return true;
}

bool Database::beginWrite()
{
    for (const QString& sql : m_sql.beginWrite()) {
        QSqlQuery q(handle());
        if (!q.exec(sql)) {
            m_lastError = describe(q.lastError());
            QSqlQuery(handle()).exec(QStringLiteral("ROLLBACK"));
            return false;
        }
    }
    return true;
}

bool Database::transaction(const std::function<bool()>& f, QString* error)
{
    if (m_depth > 0) {
        ++m_depth;
        const bool ok = f();
        --m_depth;
        if (!ok) {
            m_failed = true;
        }
        return ok;
    }
    if (m_groupCommit) {
        return runBatchUnit(f, error);
    }
    if (!beginWrite()) {
        if (error) {
            *error = m_lastError;
        }
        return false;
    }
    const bool ok = runOutermost(f);
    return endTransaction(ok, error);
}

void Database::setGroupCommit(bool enabled)
{
    if (!enabled && m_batchOpen) {
        commitBatch();
    }
    // See the header: a batch would hold PostgreSQL's write lock across a turn of the event loop.
    m_groupCommit = enabled && m_dialect == Dialect::SQLite;
}

void Database::setBatchListener(BatchListener listener)
{
    m_batchListener = std::move(listener);
}

bool Database::control(const QString& sql, QString* error)
{
    // Cached like every statement, so SAVEPOINT and BEGIN are parsed once.
    QSqlQuery q = prepare(sql);
    if (exec(q)) {
        return true;
    }
    if (error) {
        *error = m_lastError;
    }
    return false;
}

bool Database::runOutermost(const std::function<bool()>& f)
{
    m_depth = 1;
    m_failed = false;
    const bool ok = f() && !m_failed;
    m_depth = 0;
    return ok;
}

bool Database::openBatch(QString* error)
{
    if (!beginWrite()) {
        if (error) {
            *error = m_lastError;
        }
        return false;
    }
    m_batchOpen = true;
    m_batchBroken = false;
    m_batchUnits = 0;
    if (!m_batchTimer) {
        m_batchTimer = std::make_unique<QObject>();
    }
    // A zero timer runs after the event loop has dispatched what is ready now (the requests
    // already read from the sockets), so one batch gathers everything that arrived together.
    QTimer::singleShot(0, m_batchTimer.get(), [this] { commitBatch(); });
    return true;
}

bool Database::runBatchUnit(const std::function<bool()>& f, QString* error)
{
    if (!m_batchOpen && !openBatch(error)) {
        return false;
    }
    if (!control(QStringLiteral("SAVEPOINT unit"), error)) {
        return false;
    }
    bool ok = runOutermost(f);
    if (!ok) {
        QSqlQuery undo = prepare(QStringLiteral("ROLLBACK TO unit"));
        if (!exec(undo)) {
            // The unit's changes may still be in the batch: none of it may commit.
            m_batchBroken = true;
        }
    }
    QSqlQuery release = prepare(QStringLiteral("RELEASE unit"));
    if (!exec(release)) {
        m_batchBroken = true;
        ok = false;
    }
    if (!ok && error) {
        *error = m_lastError;
    }
    if (++m_batchUnits >= MaxBatchUnits || m_batchBroken) {
        // A full batch commits now; a broken one rolls back now, before more joins it.
        if (!commitBatch() && ok) {
            ok = false;
            if (error) {
                *error = m_lastError;
            }
        }
    }
    return ok;
}

bool Database::endTransaction(bool commit, QString* error)
{
    QSqlQuery end(handle());
    const bool ok = commit && end.exec(QStringLiteral("COMMIT"));
    if (!ok) {
        if (commit) {
            m_lastError = describe(end.lastError());
            qCWarning(lcStore) << "commit failed, rolling back:" << m_lastError;
        }
        QSqlQuery(handle()).exec(QStringLiteral("ROLLBACK"));
    }
    if (!ok && error) {
        *error = m_lastError;
    }
    return ok;
}

bool Database::commitBatch(QString* error)
{
    if (!m_batchOpen) {
        return true;
    }
    const bool broken = m_batchBroken;
    if (broken) {
        m_lastError = QStringLiteral("a failed unit could not be undone; the batch was rolled back");
        qCWarning(lcStore) << m_lastError;
    }
    const bool ok = endTransaction(!broken, error);
    m_batchOpen = false;
    m_batchBroken = false;
    m_batchUnits = 0;
    if (m_batchListener) {
        m_batchListener(ok);
    }
    return ok;
}

QSqlQuery Database::prepare(const QString& sql)
{
    const auto cached = m_statements.constFind(sql);
    if (cached != m_statements.constEnd()) {
        // Copies of a QSqlQuery share one prepared statement; Qt deprecates copying to stop
        // that sharing by accident, and here it is the point of the cache.
        QT_WARNING_PUSH
        QT_WARNING_DISABLE_DEPRECATED
        QSqlQuery q = *cached;
        QT_WARNING_POP
        q.finish();
        return q;
    }
    QSqlQuery q(handle());
    // QPSQL reads a forward-only result row by row from the server, and any other statement on
    // the connection in the meantime discards the rest; the engine reads one result while it
    // writes, so PostgreSQL results are fetched whole.
    q.setForwardOnly(m_dialect == Dialect::SQLite);
    if (!q.prepare(sql)) {
        m_lastError = describe(q.lastError());
        qCWarning(lcStore) << "prepare failed:" << m_lastError;
        return q;
    }
    // Filters from requests make many distinct texts; keep the cache bounded.
    if (m_statements.size() >= 512) {
        m_statements.clear();
    }
    QT_WARNING_PUSH
    QT_WARNING_DISABLE_DEPRECATED
    m_statements.insert(sql, q);
    QT_WARNING_POP
    return q;
}

QVariant Database::bindable(const QVariant& value)
{
    // A null QString would be bound as SQL NULL; only an invalid QVariant means NULL here.
    if (value.metaType() == QMetaType::fromType<QString>() && value.toString().isNull()) {
        return QVariant(QStringLiteral(""));
    }
    // Booleans live in INTEGER columns (0/1); PostgreSQL will not compare a boolean with a bigint.
    if (value.metaType() == QMetaType::fromType<bool>()) {
        return QVariant(value.toBool() ? 1 : 0);
    }
    return value;
}

bool Database::exec(QSqlQuery& query, std::initializer_list<QVariant> values)
{
    int i = 0;
    for (const QVariant& v : values) {
        query.bindValue(i++, bindable(v));
    }
    if (!query.exec()) {
        m_lastError = describe(query.lastError());
        qCWarning(lcStore) << "statement failed:" << m_lastError;
        if (m_depth > 0) {
            m_failed = true;
        }
        return false;
    }
    return true;
}

QSqlQuery Database::run(const QString& sql, std::initializer_list<QVariant> values, bool* ok)
{
    QSqlQuery q = prepare(sql);
    const bool done = exec(q, values);
    if (ok) {
        *ok = done;
    }
    return q;
}

QVariant Database::scalar(const QString& sql, std::initializer_list<QVariant> values)
{
    QSqlQuery q = run(sql, values);
    QVariant value;
    if (q.next()) {
        value = q.value(0);
    }
    q.finish(); // one row is all it reads: do not hold the read snapshot open
    return value;
}

void Database::releaseReads()
{
    for (auto it = m_statements.begin(); it != m_statements.end(); ++it) {
        it.value().finish();
    }
}

} // namespace Elevate::Server
