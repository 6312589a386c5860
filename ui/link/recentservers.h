#pragma once

#include "remotetarget.h"

#include <QList>

namespace ssehub {

// The servers the console was attached to, newest first (QSettings, group [servers]): the URL
// and the paths of the credential files only, never a token.
namespace RecentServers {

constexpr int Capacity = 10;

QList<RemoteTarget> load();
// Puts target first (replacing an entry with the same URL).
void remember(const RemoteTarget &target);

} // namespace RecentServers

} // namespace ssehub
