#pragma once

#include "api/snapshot.h"

#include <QJsonObject>

namespace ssehub {

// GET /stats: the console's figures as JSON; `streams` (one object per live stream) only with
// withStreams, from a snapshot taken with its stream rows. nodeId: this instance's id.
QJsonObject statsJson(const ConsoleSnapshot &snapshot, const QString &nodeId, bool withStreams);

} // namespace ssehub
