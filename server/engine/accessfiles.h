#pragma once

#include "api/engineconfig.h"
#include "auth/auth.h"

#include <QSslConfiguration>
#include <QString>
#include <QStringList>

namespace ssehub {

// What the engine reads from files the configuration names, at start and on reload: the TLS
// certificate, key and client CAs, the JWT secret and the ACL. Each loader returns false with a
// message an operator can act on and leaves *out alone.
namespace AccessFiles {

bool loadTls(const EngineConfig &config, QSslConfiguration *out, QString *error);
bool loadAuthenticator(const EngineConfig &config, Authenticator *out, QString *error);
// Start-up (and reload) warnings about access: an anonymous role with admin rights, and
// --cors-origin '*' on a hub without authentication. Each an operator-actionable message.
QStringList warnings(const Authenticator &auth, const QStringList &corsOrigins);

} // namespace AccessFiles

} // namespace ssehub
