#pragma once

// The two readers behind GraphCodec::decodeAuditPage (AuditPageDecoder.cpp), exposed for the
// differential tests and the fuzz target; not for use elsewhere. Neither applies the size and
// emptiness checks decodeAuditPage makes first, nor catches what they may throw.

#include "GraphCodec.h"

#include <QByteArrayView>

#include <optional>

namespace Elevate::GraphCodec::Internal {

// The hand-written reader (JsonSaxReader.h) feeding the audit page handler: std::nullopt when it
// does not accept the bytes, the decoded page or its field error otherwise.
std::optional<Result<Page<AuditEvent>>> decodeAuditPageFast(QByteArrayView bytes);

// nlohmann's SAX parser feeding the same handler: every syntax error is worded by it.
Result<Page<AuditEvent>> decodeAuditPageNlohmann(QByteArrayView bytes);

} // namespace Elevate::GraphCodec::Internal
