#pragma once

namespace ssehub {

// What the process holds of the system's resources, for the console and the alarms.
namespace ProcessResources {

// Descriptors open in this process (entries of /proc/self/fd); -1 where it cannot be read.
// Costs a directory read: call it at most once a second.
int openDescriptors();
// The process's descriptor limit (RLIMIT_NOFILE, soft); 0: unknown or unlimited.
int descriptorLimit();

} // namespace ProcessResources

} // namespace ssehub
