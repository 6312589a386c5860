#pragma once

#include "hub/huberror.h"

#include <QByteArray>
#include <QString>

namespace ssehub::http {

// The one place where the domain's refusals become HTTP: the status code of each HubError,
// and the body every error answer carries, {"error": "<message>"}.
int statusOf(HubError error);
QByteArray errorBody(const QString &message);

} // namespace ssehub::http
