#include "core/logcategories.h"

Q_LOGGING_CATEGORY(lcEngine, "ssehub.engine")
Q_LOGGING_CATEGORY(lcSse, "ssehub.sse")
Q_LOGGING_CATEGORY(lcHttp, "ssehub.http")
Q_LOGGING_CATEGORY(lcRedis, "ssehub.redis")
