#pragma once

#include "http/responder.h"
#include "hub/huberror.h"

#include <QByteArray>
#include <QString>

namespace ssehub::http {

// The one place where the domain's refusals become HTTP: the status code of each HubError. The
// body every error answer carries, {"error": "<message>"}, is http::errorBody (responder.h).
int statusOf(HubError error);

} // namespace ssehub::http
