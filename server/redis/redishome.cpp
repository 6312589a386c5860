#include "redis/redishome.h"

namespace ssehub {

RedisHome::RedisHome(RedisConnection *commands, RedisConnection *subscriber,
                     const QByteArray &prefix, const QByteArray &epochKey, QObject *parent)
    : QObject(parent)
    , m_commands(commands)
    , m_subscriber(subscriber)
    , m_prefix(prefix)
    , m_epochKey(epochKey)
{
}

} // namespace ssehub
