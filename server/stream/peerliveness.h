#pragma once

#include <QtGlobal>

namespace ssehub {

// What the kernel knows about a TCP peer's acknowledgements (TCP_INFO), for the heartbeat's
// verdict on a stream (SseStream::checkPeer).
struct TcpPeerState
{
    quint32 unacked = 0; // segments in flight
    quint32 retransmits = 0; // retransmission timeouts since new data was acknowledged
    quint32 probes = 0; // window probes (or failed send attempts) since the last acknowledgement
    qint64 lastAckAgeMs = 0; // since the peer last acknowledged anything, a probe included
    qint64 sendWindow = -1; // the window the peer advertised (bytes); -1: the kernel does not say
};

// Reads it; false when the descriptor is not a connected TCP socket.
bool readTcpPeerState(int fd, TcpPeerState *state);

// Whether the kernel is waiting for the peer to answer: data in flight, a retransmission, two
// window probes in a row unanswered (a live reader whose window is closed answers at least
// every other one: Linux rate-limits its answers to such probes, 500 ms by default), or a probe
// while the window is open (the kernel could not send at all).
bool awaitingPeer(const TcpPeerState &state);

} // namespace ssehub
