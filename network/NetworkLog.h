#pragma once

#include <QLoggingCategory>

// The network library's one logging category. Every line that could carry a URL, header or body
// goes through redact() first (Redact.h).
Q_DECLARE_LOGGING_CATEGORY(lcNetwork)
