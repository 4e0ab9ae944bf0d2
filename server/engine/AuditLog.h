#pragma once

#include "AuditEvent.h"

#include <QString>

namespace Elevate::Server {

class Database;

// The server's append-only audit trail. Each row stores the directoryAudit JSON it serves and
// the SHA-256 of (previous row's hash, its own sequence number, its JSON), so editing or
// removing a row breaks the chain at that row.
class AuditLog final
{
public:
    explicit AuditLog(Database& db);

    // Appends within the caller's open transaction (the state change and its record commit
    // together). Fills in id when empty. Returns false when the write failed, which must make
    // the caller roll back.
    bool append(AuditEvent& event);

    struct Verification
    {
        bool ok = true;
        qint64 rowsChecked = 0;
        QString firstBadId;  // the first row whose hash, link or columns do not match
        QString reason;
    };
    // Walks the whole chain in order.
    Verification verify();

    static QString hashOf(const QString& previousHash, qint64 seq, const QByteArray& body);

private:
    Database& m_db;
};

} // namespace Elevate::Server
