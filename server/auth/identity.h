#pragma once

#include "proto/topicfilter.h"

#include <QByteArray>
#include <QList>
#include <QSet>
#include <QString>
#include <QStringList>

namespace ssehub {

// Who made a request, as far as authorization is concerned.
struct Identity
{
    bool authenticated = false; // by a valid token (or, later, a client certificate)
    QString clientId; // the token's `sub`; empty for anonymous requests
    QSet<QString> roles; // from the token's `roles`, the ACL's `clients` and `anonymous`
    QList<TopicFilter> subscribeGrants; // the token's own `subscribe` filters
    QList<TopicFilter> publishGrants; // the token's own `publish` filters
    qint64 expiresAtMs = 0; // the token's `exp` in ms since the epoch; 0: none
    // What it was verified from, so that a reload can verify it again under the new rules:
    // the token itself (at most 8 KiB), or the certificate's organizational units.
    QByteArray token;
    bool certificate = false;
    // Allowed by the auth hook (--auth-hook): a reload keeps it until its expiry (the backend is
    // not asked again). Its grants bind (they are the limit, an empty list grants nothing)
    // unless the answer left that list out and its roles decide through the ACL.
    bool hook = false;
    bool subscribeGrantsBind = false;
    bool publishGrantsBind = false;
    QStringList units;
};

} // namespace ssehub
