#pragma once

#include <QHostAddress>
#include <QString>

namespace ssehub {

// "host:port" as it goes into a URL or a log line: an IPv6 address in brackets.
QString hostPort(const QHostAddress &address, quint16 port);

} // namespace ssehub
