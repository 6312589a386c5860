#pragma once

#include "auth/identity.h"

#include <QByteArray>
#include <QString>

namespace ssehub {

// What a request asks for, decided once from its head (HttpFront::decide).
enum class FrontRoute {
    None,
    Preflight,
    Events,
    Publish,
    Subscribe,
    Unsubscribe,
    Ack,
    History,
    Presence,
    Subscriptions,
    Connections,
    Kick,
    ConsoleFeed,
    ConsoleTail,
    ReloadAccess,
    Log,
    Engine,
    Demo,
    ClientScript,
};

// What the head of a request decided: its route and who asks, or the refusal (status not 0) to
// answer. A connection that moves from the epoll path to the socket path carries the decision
// about the request it moves with, so that its token is not verified twice.
struct FrontDecision
{
    FrontRoute route = FrontRoute::None;
    Identity who;
    int status = 0; // a refusal: the status, message and extra headers to answer
    QString message;
    QByteArray extraHeaders;
    bool authFailure = false; // a 401/403 of access control (counted and logged)
    QString clientId; // of an access refusal (the log's entry)
    // The auth hook decides, once the request (and its body) is complete: who is empty.
    bool askHook = false;
};

} // namespace ssehub
