#pragma once

#include <QString>
#include <QStringList>

namespace Elevate {

// A Graph error body ({"error":{"code","message","innerError":{...}}}) plus the HTTP status it
// came with. Callers branch on `httpStatus` and `code`, never on `message`; the message is
// only mined for the two things Graph hides in it (failed rule names, a claims challenge).
struct GraphError
{
    int httpStatus = 0;
    QString code;
    QString message;
    QString requestId;
    QString clientRequestId;
    QString date;
    QStringList innerCodes; // codes of nested innerError objects, outermost first

    // Rule names listed by RoleAssignmentRequestPolicyValidationFailed
    // ("The following policy rules failed: [\"JustificationRule\",...]").
    QStringList failedRules() const;
    // The decoded JSON of a "&claims=..." parameter in the message (§1.4), empty if none.
    QString claimsChallenge() const;

    friend bool operator==(const GraphError&, const GraphError&) = default;
};

// Error codes worth switching on (graph-contract.md 3.6).
namespace GraphErrorCodes {
inline constexpr QStringView PolicyValidationFailed = u"RoleAssignmentRequestPolicyValidationFailed";
inline constexpr QStringView AcrsValidationFailed = u"RoleAssignmentRequestAcrsValidationFailed";
inline constexpr QStringView GroupAcrsValidationFailed = u"GroupAssignmentRequestAcrsValidationFailed";
inline constexpr QStringView AssignmentExists = u"RoleAssignmentExists";
inline constexpr QStringView AssignmentDoesNotExist = u"RoleAssignmentDoesNotExist";
inline constexpr QStringView PendingRequest = u"PendingRoleAssignmentRequest";
inline constexpr QStringView ActiveDurationTooShort = u"ActiveDurationTooShort";
inline constexpr QStringView SubjectNotFound = u"SubjectNotFound";
inline constexpr QStringView RoleDefinitionDoesNotExist = u"RoleDefinitionDoesNotExist";
} // namespace GraphErrorCodes

} // namespace Elevate
