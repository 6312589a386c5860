#pragma once

#include <QByteArray>

// Status lines of the front's answers. Pure: no sockets. A table of its own so that a unit test
// can check every status the server sends (a phrase once shipped as "401 Status").
namespace ssehub::http {

// The reason phrase of a status code ("Not Found"); every status the engine sends has one, and
// an unknown code gets the phrase of its class.
QByteArray reasonPhrase(int status);

// "HTTP/1.1 <status> <reason>\r\n".
QByteArray statusLine(int status);

} // namespace ssehub::http
