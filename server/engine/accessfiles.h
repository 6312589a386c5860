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

// Whether the configuration names any source of identity or access rules (a reload re-reads
// them; removing them all needs a restart).
bool configured(const EngineConfig &config);
bool loadTls(const EngineConfig &config, QSslConfiguration *out, QString *error);
// keyRing: the engine's (the JWKS URL's keys and the verification counts); may be null.
bool loadAuthenticator(const EngineConfig &config, std::shared_ptr<KeyRing> keyRing,
                       Authenticator *out, QString *error);
// Start-up (and reload) warnings about access: an anonymous role with admin rights, and
// --cors-origin '*' on a hub without authentication. Each an operator-actionable message.
QStringList warnings(const Authenticator &auth, const QStringList &corsOrigins);

} // namespace AccessFiles

} // namespace ssehub
