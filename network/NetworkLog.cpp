#include "NetworkLog.h"

Q_LOGGING_CATEGORY(lcNetwork, "elevate.network", QtInfoMsg)
