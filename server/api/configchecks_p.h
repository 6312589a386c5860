#pragma once

#include <QHostAddress>
#include <QString>

// The checks the option table (configschema.cpp) names, defined in configvalues.cpp. Each
// returns the message for the user, naming `where`, or an empty string.
namespace ssehub::configchecks {

bool parseListen(const QString &text, QHostAddress *address, quint16 *port);
QString listenText(const QHostAddress &address, quint16 port);

QString listen(const QString &where, const QString &text);
QString topic(const QString &where, const QString &text);
QString filter(const QString &where, const QString &text);
QString redisUrl(const QString &where, const QString &text);
QString redisPrefix(const QString &where, const QString &text);
// HOST:PORT of a sentinel.
QString hostAndPort(const QString &where, const QString &text);
QString cookieName(const QString &where, const QString &text);
QString nodeId(const QString &where, const QString &text);
QString adminUrl(const QString &where, const QString &text);
// An http:// or https:// URL of a service the hub calls (a JWKS, the auth hook).
QString serviceUrl(const QString &where, const QString &text);
QString logFormat(const QString &where, const QString &text);
QString logLevel(const QString &where, const QString &text);

} // namespace ssehub::configchecks
