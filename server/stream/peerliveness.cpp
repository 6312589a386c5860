#include "stream/peerliveness.h"

// The kernel's struct tcp_info (glibc's netinet/tcp.h stops before tcpi_snd_wnd); this file
// includes no other TCP header.
#include <cstddef>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <sys/socket.h>

namespace ssehub {

bool readTcpPeerState(int fd, TcpPeerState *state)
{
    tcp_info info {};
    socklen_t length = sizeof(info);
    if (fd < 0 || ::getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &length) != 0)
        return false;
    state->unacked = info.tcpi_unacked;
    state->retransmits = info.tcpi_retransmits;
    state->probes = info.tcpi_probes;
    state->lastAckAgeMs = info.tcpi_last_ack_recv;
    // Older kernels fill less of the struct (tcpi_snd_wnd came with Linux 5.19).
    state->sendWindow = length >= offsetof(tcp_info, tcpi_snd_wnd) + sizeof(info.tcpi_snd_wnd)
        ? qint64(info.tcpi_snd_wnd)
        : -1;
    return true;
}

bool awaitingPeer(const TcpPeerState &state)
{
    return state.unacked > 0 || state.retransmits > 0 || state.probes >= 2
        || (state.probes > 0 && state.sendWindow > 0);
}

} // namespace ssehub
