#include "IdempotencyKeys.h"

#include "Clock.h"
#include "Database.h"
#include "SqlTime.h"

#include <QSqlQuery>

namespace Elevate::Server {

IdempotencyKeys::IdempotencyKeys(Database& db, const Clock& clock)
    : m_db(db)
    , m_clock(clock)
{
}

bool IdempotencyKeys::isValidKey(QStringView key)
{
    if (key.isEmpty() || key.size() > MaxKeyLength) {
        return false;
    }
    return std::all_of(key.begin(), key.end(), [](QChar c) { return c.unicode() > 0x20 && c.unicode() < 0x7f; });
}

IdempotencyKeys::Result IdempotencyKeys::run(const QString& userId,
                                             const QString& key,
                                             const QByteArray& fingerprint,
                                             const std::function<Answer()>& work)
{
    Result result;
    const QString fingerprintHex = QString::fromLatin1(fingerprint.toHex());
    const bool committed = m_db.transaction([&] {
        QSqlQuery prior = m_db.run(QStringLiteral("SELECT fingerprint, status, content_type, body FROM idempotency_keys "
                                                  "WHERE user_id = ? AND key = ?"),
                                   {userId, key});
        if (prior.next()) {
            if (prior.value(0).toString() != fingerprintHex) {
                result.outcome = Outcome::KeyReused;
                return true;
            }
            result.outcome = Outcome::Replayed;
            result.answer.status = prior.value(1).toInt();
            result.answer.contentType = prior.value(2).toString().toLatin1();
            result.answer.body = prior.value(3).toString().toUtf8();
            return true;
        }
        prior.finish();
        result.outcome = Outcome::Fresh;
        result.answer = work();
        if (result.answer.status < 200 || result.answer.status > 299) {
            return true; // nothing to remember; a failed change has already rolled itself back
        }
        bool stored = false;
        m_db.run(QStringLiteral("INSERT INTO idempotency_keys (key, user_id, status, body, created_at, fingerprint, "
                                "content_type) VALUES (?,?,?,?,?,?,?)"),
                 {key, userId, result.answer.status, QString::fromUtf8(result.answer.body), toSqlTime(m_clock.now()),
                  fingerprintHex, QString::fromLatin1(result.answer.contentType)},
                 &stored);
        return stored;
    });
    if (!committed && result.outcome == Outcome::Fresh && result.answer.status >= 200 && result.answer.status <= 299) {
        // The change and its key went back together: say so rather than report a success.
        result.outcome = Outcome::StoreFailed;
        result.answer = {};
    }
    return result;
}

int IdempotencyKeys::purgeExpired()
{
    int removed = 0;
    m_db.transaction([&] {
        bool ok = false;
        QSqlQuery q = m_db.run(QStringLiteral("DELETE FROM idempotency_keys WHERE created_at < ?"),
                               {toSqlTime(m_clock.now().plusSeconds(-RetentionSeconds))}, &ok);
        removed = ok ? q.numRowsAffected() : 0;
        return ok;
    });
    return removed;
}

} // namespace Elevate::Server
