#pragma once

#include <QByteArray>
#include <QString>
#include <QStringView>

#include <functional>

namespace Elevate::Server {

class Clock;
class Database;

// Idempotency keys (the `Idempotency-Key` request header): a client that re-sends a change after
// a lost answer (the console's outbox does, after a timeout or a restart) gets the first answer
// again instead of a second change. Keys belong to the user who sent them and are kept for a
// day. Only successful answers are kept: a refused or failed change applied nothing, so running
// it again is the right thing.
class IdempotencyKeys final
{
public:
    static constexpr qint64 RetentionSeconds = 24 * 3600;
    static constexpr qsizetype MaxKeyLength = 255;

    IdempotencyKeys(Database& db, const Clock& clock);

    struct Answer
    {
        int status = 0;
        QByteArray contentType;
        QByteArray body;
    };
    enum class Outcome {
        Fresh,       // work ran now
        Replayed,    // the key had been answered: that answer again, nothing ran
        KeyReused,   // the key had been answered for a different request: nothing ran
        StoreFailed, // work ran but its transaction could not be committed: nothing applied
    };
    struct Result
    {
        Outcome outcome = Outcome::Fresh;
        Answer answer; // empty for KeyReused and StoreFailed
    };

    // 1 to 255 visible ASCII characters (a UUID is typical).
    static bool isValidKey(QStringView key);

    // Runs `work` and remembers its answer under (userId, key), in one transaction with the
    // change it makes; `fingerprint` identifies the request (method, target, body) so a key
    // cannot be replayed for something else.
    Result run(const QString& userId, const QString& key, const QByteArray& fingerprint,
               const std::function<Answer()>& work);

    // Forgets keys older than RetentionSeconds; returns how many.
    int purgeExpired();

private:
    Database& m_db;
    const Clock& m_clock;
};

} // namespace Elevate::Server
