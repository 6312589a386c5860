// The options of cluster mode (Redis, Sentinel, Redis Cluster, the node's name): the second
// part of the option table (configschema.cpp holds the first and joins them, in the order of
// --help).
#include "api/configbinding_p.h"
#include "api/configchecks_p.h"
#include "api/configschema.h"

#include <QtGlobal>

namespace ssehub::configbinding {

namespace {

const ConfigOption options[] = {
    {.name = "redis",
     .type = OptionType::Text,
     .scope = OptionScope::Engine,
     .reloadable = false,
     .valueName = "URL",
     .help = QT_TRANSLATE_NOOP("main",
                               "Cluster mode: share events, history and subscriptions "
                               "with other instances through Redis at "
                               "redis://[:password@]host[:port][/db]."),
     .check = configchecks::redisUrl,
     .field = field<&EngineConfig::redisUrl>(),
     .defaultText = "",
     .settingsPage = SettingsPage::Cluster,
     .settingsLabel = QT_TRANSLATE_NOOP("ssehub::SettingsDialog", "Redis URL:"),
     .hasPassword = true},
    {.name = "redis-sentinel",
     .type = OptionType::List,
     .scope = OptionScope::Engine,
     .reloadable = false,
     .valueName = "HOST:PORT",
     .help = QT_TRANSLATE_NOOP("main",
                               "Redis Sentinel (repeatable): ask these sentinels where the "
                               "primary named by --redis-master is, and follow its failovers; "
                               "--redis then gives only the password and database."),
     .check = configchecks::hostAndPort,
     .field = field<&EngineConfig::redisSentinels>(),
     .defaultText = "",
     .settingsPage = SettingsPage::Cluster,
     .settingsLabel = QT_TRANSLATE_NOOP("ssehub::SettingsDialog", "Redis sentinels:")},
    {.name = "redis-master",
     .type = OptionType::Text,
     .scope = OptionScope::Engine,
     .reloadable = false,
     .valueName = "NAME",
     .help = QT_TRANSLATE_NOOP("main",
                               "With --redis-sentinel: the name the sentinels monitor the "
                               "primary by."),
     .field = field<&EngineConfig::redisMaster>(),
     .defaultText = "",
     .settingsPage = SettingsPage::Cluster,
     .settingsLabel = QT_TRANSLATE_NOOP("ssehub::SettingsDialog", "Sentinel primary name:")},
    {.name = "redis-sentinel-password-file",
     .type = OptionType::Text,
     .scope = OptionScope::Engine,
     .reloadable = false,
     .valueName = "FILE",
     .help = QT_TRANSLATE_NOOP("main",
                               "With --redis-sentinel: the sentinels' password (their "
                               "requirepass) is the first line of FILE."),
     .field = field<&EngineConfig::redisSentinelPasswordFile>(),
     .defaultText = "",
     .settingsPage = SettingsPage::Cluster,
     .settingsLabel = QT_TRANSLATE_NOOP("ssehub::SettingsDialog", "Sentinel password file:")},
    {.name = "redis-cluster",
     .type = OptionType::List,
     .scope = OptionScope::Engine,
     .reloadable = false,
     .valueName = "HOST:PORT",
     .help = QT_TRANSLATE_NOOP("main",
                               "Redis Cluster (repeatable seed nodes): events are split into "
                               "partitions spread over the cluster's shards, with sharded "
                               "pub/sub; --redis then gives only the password."),
     .check = configchecks::hostAndPort,
     .field = field<&EngineConfig::redisClusterSeeds>(),
     .defaultText = "",
     .settingsPage = SettingsPage::Cluster,
     .settingsLabel = QT_TRANSLATE_NOOP("ssehub::SettingsDialog", "Redis Cluster nodes:")},
    {.name = "redis-partitions",
     .type = OptionType::Count,
     .scope = OptionScope::Engine,
     .reloadable = false,
     .valueName = "N",
     .help = QT_TRANSLATE_NOOP("main",
                               "With --redis-cluster: the number of partitions (Streams) the "
                               "events are split into (default 16); every instance of a "
                               "cluster must use the same."),
     .min = 1,
     .max = 256,
     .takes = QT_TRANSLATE_NOOP("main", "a count from 1 to 256"),
     .field = field<&EngineConfig::redisPartitions>(),
     .defaultText = "16",
     .settingsPage = SettingsPage::Cluster,
     .settingsLabel = QT_TRANSLATE_NOOP("ssehub::SettingsDialog", "Partitions:")},
    {.name = "redis-partition-depth",
     .type = OptionType::Count,
     .scope = OptionScope::Engine,
     .reloadable = false,
     .valueName = "N",
     .help = QT_TRANSLATE_NOOP("main",
                               "With --redis-cluster: a topic's partition follows its first N "
                               "levels (default 1), so that the topics under them stay in "
                               "order; every instance must use the same."),
     .min = 1,
     .max = 8,
     .takes = QT_TRANSLATE_NOOP("main", "a count from 1 to 8"),
     .field = field<&EngineConfig::redisPartitionDepth>(),
     .defaultText = "1",
     .settingsPage = SettingsPage::Cluster,
     .settingsLabel = QT_TRANSLATE_NOOP("ssehub::SettingsDialog", "Partition depth:")},
    {.name = "redis-min-replicas",
     .type = OptionType::Count,
     .scope = OptionScope::Engine,
     .reloadable = false,
     .valueName = "N",
     .help = QT_TRANSLATE_NOOP("main",
                               "Cluster mode: answer a publish 200 only once N Redis replicas "
                               "have it, so that a failover cannot lose it (default 0: once "
                               "the primary has it); fewer within --redis-replica-timeout: "
                               "503."),
     .min = 0,
     .max = 100,
     .takes = QT_TRANSLATE_NOOP("main", "a count from 0 to 100"),
     .field = field<&EngineConfig::redisMinReplicas>(),
     .defaultText = "0",
     .settingsPage = SettingsPage::Cluster,
     .settingsLabel
     = QT_TRANSLATE_NOOP("ssehub::SettingsDialog", "Replicas that confirm a publish:")},
    {.name = "redis-replica-timeout",
     .type = OptionType::Duration,
     .scope = OptionScope::Engine,
     .reloadable = false,
     .valueName = "DURATION",
     .help = QT_TRANSLATE_NOOP("main",
                               "With --redis-min-replicas: how long a publish waits for the "
                               "replicas (default 1s, at most 4s)."),
     .min = 1,
     .max = 4000,
     .takes = QT_TRANSLATE_NOOP("main", "a duration from 1ms to 4s, e.g. 500ms"),
     .field = field<&EngineConfig::redisReplicaTimeoutMs>(),
     .defaultText = "1s",
     .settingsPage = SettingsPage::Cluster,
     .settingsLabel = QT_TRANSLATE_NOOP("ssehub::SettingsDialog", "Replica wait:")},
    {.name = "redis-prefix",
     .type = OptionType::Text,
     .scope = OptionScope::Engine,
     .reloadable = false,
     .valueName = "PREFIX",
     .help = QT_TRANSLATE_NOOP("main",
                               "Prefix of every Redis key and channel (default "
                               "'ssehub:'); instances with the same prefix form one "
                               "cluster."),
     .check = configchecks::redisPrefix,
     .field = field<&EngineConfig::redisPrefix>(),
     .defaultText = "ssehub:",
     .settingsPage = SettingsPage::Cluster,
     .settingsLabel = QT_TRANSLATE_NOOP("ssehub::SettingsDialog", "Redis key prefix:")},
    {.name = "node-id",
     .type = OptionType::Text,
     .scope = OptionScope::Engine,
     .reloadable = false,
     .valueName = "ID",
     .help = QT_TRANSLATE_NOOP("main",
                               "Name of this instance in the session event and the "
                               "node registry (default: host name and port)."),
     .check = configchecks::nodeId,
     .field = field<&EngineConfig::nodeId>(),
     .settingsPage = SettingsPage::Cluster,
     .settingsLabel = QT_TRANSLATE_NOOP("ssehub::SettingsDialog", "Node id:")},
    {.name = "admin-url",
     .type = OptionType::Text,
     .scope = OptionScope::Engine,
     .reloadable = false,
     .valueName = "URL",
     .help = QT_TRANSLATE_NOOP("main",
                               "URL at which consoles reach this instance's admin routes, "
                               "advertised in the node registry (default: the listen URL); "
                               "set it behind NAT or a load balancer."),
     .check = configchecks::adminUrl,
     .field = field<&EngineConfig::adminUrl>(),
     .settingsPage = SettingsPage::Cluster,
     .settingsLabel = QT_TRANSLATE_NOOP("ssehub::SettingsDialog", "Admin URL:")},
};

} // namespace

std::span<const ConfigOption> clusterOptions()
{
    return options;
}

} // namespace ssehub::configbinding
