#include "api/validation.h"

#include "redis/redisbroker.h"

namespace ssehub {

bool checkRedisUrl(const QString &url, QString *error)
{
    RedisConnection::Options parsed;
    return RedisBroker::parseUrl(url, &parsed, error);
}

} // namespace ssehub
