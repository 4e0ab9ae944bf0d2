#pragma once

#include <QString>

namespace Elevate::Server {

// Argon2id cost parameters. The defaults follow RFC 9106's second recommended option (64 MiB,
// three passes, four lanes), about 0.1-0.2 s on a current CPU; tests pass cheaper ones.
struct Argon2Parameters
{
    quint32 memoryKiB = 64 * 1024;
    quint32 iterations = 3;
    quint32 parallelism = 4;
    quint32 saltBytes = 16;
    quint32 hashBytes = 32;
};

// Salted, deliberately slow password hashing (Argon2id through libargon2). A record is
// argon2's self-describing encoded string, "$argon2id$v=19$m=65536,t=3,p=4$SALT$HASH", so the
// parameters in force when a password was set travel with its hash and can be raised later
// (needsRehash). Passwords are NFC-normalised UTF-8, so the same typed text verifies whatever
// the keyboard produced. Stateless apart from a cached decoy record; not thread-safe.
class PasswordHasher final
{
public:
    explicit PasswordHasher(Argon2Parameters parameters = Argon2Parameters());

    const Argon2Parameters& parameters() const { return m_parameters; }

    // A new record with a fresh random salt; empty if argon2 failed (invalid parameters,
    // out of memory), which is logged.
    QString hash(const QString& password) const;
    // Whether password matches record. libargon2 recomputes the hash and compares it in
    // constant time. False for a wrong password, and for a malformed record or one whose
    // parameters are out of the accepted range (logged, never thrown).
    bool verify(const QString& password, const QString& record) const;
    // True when record is not a well-formed Argon2id record, or when it was made with weaker
    // parameters than this hasher's: rehash after the next successful sign-in.
    bool needsRehash(const QString& record) const;
    // Spends the same time as verify() against a decoy record, so an unknown user name
    // answers as slowly as a wrong password (no user enumeration by timing).
    void verifyDecoy(const QString& password) const;

private:
    Argon2Parameters m_parameters;
    mutable QString m_decoyRecord;
};

} // namespace Elevate::Server
