#include "PasswordHasher.h"

#include "IdentityLog.h"
#include "SecureRandom.h"

#include <QByteArray>
#include <QRegularExpression>

#include <argon2.h>

#include <cstring>
#include <optional>

namespace Elevate::Server {

namespace {

// Upper bounds for records read back from the database: a corrupted or planted record must
// not make one sign-in attempt allocate gigabytes or spin for minutes.
constexpr quint32 MaxMemoryKiB = 1024 * 1024;
constexpr quint32 MaxIterations = 64;
constexpr quint32 MaxParallelism = 64;

struct RecordParameters
{
    quint32 memoryKiB = 0;
    quint32 iterations = 0;
    quint32 parallelism = 0;
    qsizetype saltBytes = 0;
    qsizetype hashBytes = 0;
};

std::optional<RecordParameters> parseRecord(const QString& record)
{
    // argon2's encoded form with unpadded standard base64 for salt and hash.
    // anchoredPattern(): a bare '$' would also accept a trailing newline.
    static const QRegularExpression pattern(QRegularExpression::anchoredPattern(QStringLiteral(
        R"(\$argon2id\$v=19\$m=([0-9]{1,10}),t=([0-9]{1,10}),p=([0-9]{1,3})\$([A-Za-z0-9+/]{11,})\$([A-Za-z0-9+/]{6,}))")));
    const QRegularExpressionMatch match = pattern.match(record);
    if (!match.hasMatch()) {
        return std::nullopt;
    }
    bool okM = false;
    bool okT = false;
    bool okP = false;
    RecordParameters p;
    const qulonglong m = match.captured(1).toULongLong(&okM);
    const qulonglong t = match.captured(2).toULongLong(&okT);
    const qulonglong lanes = match.captured(3).toULongLong(&okP);
    if (!okM || !okT || !okP || m > MaxMemoryKiB || t == 0 || t > MaxIterations || lanes == 0
        || lanes > MaxParallelism || m < 8 * lanes) {
        return std::nullopt;
    }
    p.memoryKiB = static_cast<quint32>(m);
    p.iterations = static_cast<quint32>(t);
    p.parallelism = static_cast<quint32>(lanes);
    // Unpadded base64: 4 characters carry 3 bytes.
    p.saltBytes = match.capturedLength(4) * 3 / 4;
    p.hashBytes = match.capturedLength(5) * 3 / 4;
    return p;
}

// The password as argon2 sees it. Cleared by the caller after use.
QByteArray passwordBytes(const QString& password)
{
    return password.normalized(QString::NormalizationForm_C).toUtf8();
}

void wipe(QByteArray& bytes)
{
    if (!bytes.isEmpty()) {
        // volatile: keep the compiler from dropping a store to memory that is about to be freed.
        volatile char* p = bytes.data();
        for (qsizetype i = 0; i < bytes.size(); ++i) {
            p[i] = 0;
        }
    }
}

} // namespace

PasswordHasher::PasswordHasher(Argon2Parameters parameters)
    : m_parameters(parameters)
{
}

QString PasswordHasher::hash(const QString& password) const
{
    const Argon2Parameters& p = m_parameters;
    const QByteArray salt = SecureRandom::bytes(p.saltBytes);
    QByteArray pwd = passwordBytes(password);
    const std::size_t encodedLength = argon2_encodedlen(p.iterations, p.memoryKiB, p.parallelism, p.saltBytes,
                                                        p.hashBytes, Argon2_id);
    QByteArray encoded(static_cast<qsizetype>(encodedLength), '\0');
    const int rc = argon2id_hash_encoded(p.iterations, p.memoryKiB, p.parallelism, pwd.constData(),
                                         static_cast<std::size_t>(pwd.size()), salt.constData(),
                                         static_cast<std::size_t>(salt.size()), p.hashBytes, encoded.data(),
                                         encodedLength);
    wipe(pwd);
    if (rc != ARGON2_OK) {
        qCWarning(lcIdentity) << "argon2id hashing failed:" << argon2_error_message(rc);
        return {};
    }
    return QString::fromLatin1(encoded.constData(), static_cast<qsizetype>(std::strlen(encoded.constData())));
}

bool PasswordHasher::verify(const QString& password, const QString& record) const
{
    if (!parseRecord(record)) {
        qCWarning(lcIdentity) << "password record is not a usable Argon2id record";
        return false;
    }
    const QByteArray encoded = record.toLatin1();
    QByteArray pwd = passwordBytes(password);
    const int rc = argon2id_verify(encoded.constData(), pwd.constData(), static_cast<std::size_t>(pwd.size()));
    wipe(pwd);
    if (rc == ARGON2_OK) {
        return true;
    }
    if (rc != ARGON2_VERIFY_MISMATCH) {
        qCWarning(lcIdentity) << "argon2id verification failed:" << argon2_error_message(rc);
    }
    return false;
}

bool PasswordHasher::needsRehash(const QString& record) const
{
    const std::optional<RecordParameters> p = parseRecord(record);
    if (!p) {
        return true;
    }
    return p->memoryKiB < m_parameters.memoryKiB || p->iterations < m_parameters.iterations
        || p->saltBytes < static_cast<qsizetype>(m_parameters.saltBytes)
        || p->hashBytes < static_cast<qsizetype>(m_parameters.hashBytes);
}

void PasswordHasher::verifyDecoy(const QString& password) const
{
    if (m_decoyRecord.isEmpty()) {
        m_decoyRecord = hash(SecureRandom::token());
    }
    if (!m_decoyRecord.isEmpty()) {
        (void)verify(password, m_decoyRecord);
    }
}

} // namespace Elevate::Server
