#include "http/hubstatus.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace ssehub::http {

int statusOf(HubError error)
{
    switch (error) {
    case HubError::InvalidArgument:
    case HubError::LimitReached: // the request asks for too much: retrying does not help
        return 400;
    case HubError::Forbidden:
        return 403;
    case HubError::NotFound:
        return 404;
    case HubError::Conflict:
        return 409;
    case HubError::Internal:
        return 500;
    case HubError::Unavailable:
        return 503;
    }
    return 500;
}

} // namespace ssehub::http
