#pragma once

#include <QList>
#include <QStringList>

namespace Elevate::Server {

// The server's schema as ordered migrations. Migration N (1-based) brings the database from
// version N-1 to N; each runs in one transaction with its row in schema_migrations. Append new
// migrations; never edit one that has shipped.
struct Migration
{
    int version;
    const char* description;
    QStringList statements;
};

QList<Migration> sqliteMigrations();
QList<Migration> postgresMigrations();

} // namespace Elevate::Server
