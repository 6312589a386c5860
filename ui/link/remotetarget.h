#pragma once

#include <QByteArray>
#include <QSslConfiguration>
#include <QString>
#include <QUrl>

namespace ssehub {

// What the console needs to read what a running ssehub serves: where it is, and the
// credentials for its admin routes. Files are named, not copied: the token is read from its
// file each time the link starts; a token typed in the Connect dialog lives in memory only.
struct RemoteTarget
{
    QUrl url; // http(s)://host:port
    QString tokenFile; // an admin token (JWT) in a file
    QByteArray token; // or typed in for this session (never stored)
    QString caFile; // PEM: added to the system's CAs (a self-signed server)
    QString clientCert; // PEM: a client certificate, when the server asks for one
    QString clientKey;

    // A URL given by the operator: "host:port", "http://host:port/" ... as http(s)://host:port.
    // Empty (and *error set) when it is not one.
    static QUrl parseUrl(const QString &text, QString *error);
    // "http://127.0.0.1:8080" for titles and messages.
    QString displayName() const;
    bool isTls() const { return url.scheme() == QLatin1String("https"); }
};

// The credentials read from a target's files, ready for every request.
struct RemoteCredentials
{
    QByteArray token; // empty: none
    QSslConfiguration ssl;

    // Reads the target's files. Returns an empty string, or what is wrong, naming the file.
    static QString load(const RemoteTarget &target, RemoteCredentials *out);
};

} // namespace ssehub
