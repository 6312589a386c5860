// ssehub-loadgen: an SSE load generator for side-by-side benchmarks (ssehub and Nchan).
//
// One thread, epoll, no Qt: it opens N event streams (at a configurable ramp), publishes M
// events at rate R over keep-alive connections with a send timestamp and a sequence number in
// each payload, parses every stream, and prints one JSON object with connection, delivery and
// latency figures and the server's CPU time and resident memory read from /proc.
//
// With --token-file, every stream presents a token (stream i the file's line i % lines) in
// `Authorization: Bearer`. With --batch N, events go out as batch publishes (POST /publish,
// application/x-ndjson, N lines each) pipelined over keep-alive connections; each payload then
// carries a per-topic sequence number too, and every stream is checked to get every accepted
// event of its topic exactly once and in order (see publishanswer.h for the answer).
#include "publishanswer.h"

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <deque>
#include <fcntl.h>
#include <map>
#include <memory>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

namespace {

int64_t nowUs()
{
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return int64_t(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

struct Options
{
    std::string host = "127.0.0.1";
    int port = 8080;
    std::vector<int> extraPorts; // more instances: subscribers are spread over all ports
    std::string flavor = "ssehub"; // or "nchan"
    int subscribers = 100;
    int topics = 1;
    double rampPerSecond = 0; // 0: as fast as possible
    double publishRate = 10;
    int publishCount = 100;
    int publishers = 1;
    int payloadBytes = 0; // extra padding in each payload
    std::vector<int> serverPids;
    double settleSeconds = 0.5;
    double drainSeconds = 5;
    double holdSeconds = 0; // keep the streams open and idle this long after connecting
    double connectTimeoutSeconds = 30;
    std::string tokenFile; // one token per line; stream i sends line i % lines
    int batch = 0; // events per batch publish; 0: one JSON publish per event
    int pipeline = 4; // batches in flight per publisher connection
    double publishTimeoutSeconds = 60; // batches unanswered by then count as failed
};

struct ProcSample
{
    double cpuSeconds = 0;
    int64_t rssKiB = 0;
};

ProcSample sampleProcs(const std::vector<int> &pids)
{
    ProcSample total;
    const double ticks = double(sysconf(_SC_CLK_TCK));
    for (int pid : pids) {
        char path[64];
        snprintf(path, sizeof path, "/proc/%d/stat", pid);
        if (FILE *f = fopen(path, "r")) {
            char buf[4096];
            const size_t n = fread(buf, 1, sizeof buf - 1, f);
            buf[n] = 0;
            fclose(f);
            // Fields after the command name (which may contain spaces) start after ") ".
            const char *p = strrchr(buf, ')');
            if (p) {
                unsigned long utime = 0, stime = 0;
                // state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime
                if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime,
                           &stime)
                    == 2)
                    total.cpuSeconds += double(utime + stime) / ticks;
            }
        }
        snprintf(path, sizeof path, "/proc/%d/status", pid);
        if (FILE *f = fopen(path, "r")) {
            char line[256];
            while (fgets(line, sizeof line, f)) {
                if (strncmp(line, "VmRSS:", 6) == 0)
                    total.rssKiB += atoll(line + 6);
            }
            fclose(f);
        }
    }
    return total;
}

enum class Kind { Subscriber, Publisher };

// Batch mode: what the load generator knows about each event it sent, per topic and sequence.
enum class EventState : uint8_t { Pending, Accepted, Failed };

struct BatchEvent
{
    int topic = 0;
    int tseq = 0;
};

struct Batch
{
    std::vector<BatchEvent> events;
};

struct Conn
{
    Kind kind = Kind::Subscriber;
    int fd = -1;
    int topic = 0;
    bool connected = false;
    bool headDone = false;
    bool failed = false;
    int64_t startedUs = 0;
    std::string in;
    std::string out;
    size_t outOffset = 0;
    // subscriber
    int64_t lastSeq = -1;
    int64_t received = 0;
    std::string pendingData;
    std::vector<uint8_t> seen; // batch mode: per-topic sequence numbers received
    int64_t lastTseq = -1;
    // publisher: requests sent and not answered yet (HTTP/1.1 pipelining keeps their order)
    int inflight = 0;
    int slot = 0; // batch mode: this connection carries the topics t with t % slots == slot
    std::deque<Batch> batches; // batch mode: the batches in flight, oldest first
};

struct Stats
{
    int established = 0;
    int failed = 0;
    std::vector<int64_t> connectUs;
    int64_t delivered = 0;
    int64_t lastDeliveryUs = 0; // when the newest delivery arrived
    int64_t duplicates = 0;
    int64_t outOfOrder = 0;
    std::vector<int32_t> latencyUs;
    int published = 0;
    int publishErrors = 0;
    int64_t inflightMax = 0;
    // batch mode
    int64_t batchesSent = 0;
    int64_t eventsAccepted = 0;
    int64_t eventsFailed = 0; // refused in the answer, in a batch that failed, or unanswered
    int64_t eventsUnanswered = 0;
    std::map<int, int64_t> batchAnswers; // status -> batches answered with it
    std::map<int, int64_t> eventErrors; // a result's status -> events refused with it
    int64_t answerMismatches = 0; // answers that are not the contract's (results per line)
    int64_t unmatchedAnswers = 0; // answers to no batch in flight
    int64_t unknownDeliveries = 0; // events with a per-topic sequence number never sent
    int64_t publisherReconnects = 0;
    int64_t lastAnswerUs = 0;
    std::string firstError;
};

class LoadGen
{
public:
    explicit LoadGen(const Options &o)
        : m_o(o)
    {
        m_epoll = epoll_create1(EPOLL_CLOEXEC);
        std::vector<int> ports {o.port};
        ports.insert(ports.end(), o.extraPorts.begin(), o.extraPorts.end());
        for (const int port : ports) {
            sockaddr_in addr {};
            addr.sin_family = AF_INET;
            addr.sin_port = htons(uint16_t(port));
            inet_pton(AF_INET, o.host.c_str(), &addr.sin_addr);
            m_addrs.push_back(addr);
        }
        m_perTopicPublished.assign(size_t(std::max(o.topics, 1)), 0);
    }

    bool loadTokens();
    int run();

private:
    // Subscriber n goes to instance n % instances (and gets token n % tokens); publishers go to
    // the first instance.
    Conn *open(Kind kind, int topic, size_t index = 0);
    void onEvent(Conn *c, uint32_t events);
    void flushOut(Conn *c);
    void readSubscriber(Conn *c);
    void readPublisher(Conn *c);
    void parseEvents(Conn *c);
    void fail(Conn *c);
    void closePublisher(Conn *c, const char *why);
    void publishOne();
    // batch mode
    void publishBatches();
    void sendBatch(Conn *c, int events);
    void onBatchAnswer(Conn *c, int status, const std::string &body);
    void failBatch(const Batch &batch);
    void noteError(int status, const std::string &what);
    void noteTopicDelivery(Conn *c, int64_t tseq, int64_t latencyUs);
    // Accepted events the streams still miss (lost) and deliveries of events not accepted.
    void countMissing(int64_t *expected, int64_t *lost, int64_t *unexpected) const;
    void poll(int timeoutMs);
    std::string subscribePath(int topic) const;

    Options m_o;
    int m_epoll;
    std::vector<sockaddr_in> m_addrs;
    std::vector<std::unique_ptr<Conn>> m_subs;
    std::vector<std::unique_ptr<Conn>> m_pubs;
    std::vector<int64_t> m_perTopicPublished;
    std::vector<std::string> m_tokens;
    // batch mode
    int m_slots = 0;
    std::vector<Conn *> m_slotConn; // the current connection of each slot
    std::vector<int64_t> m_slotCursor; // round robin over each slot's topics
    std::vector<std::vector<EventState>> m_topicState; // [topic][tseq]
    Stats m_s;
    int m_seq = 0;
};

bool LoadGen::loadTokens()
{
    if (m_o.tokenFile.empty())
        return true;
    FILE *f = fopen(m_o.tokenFile.c_str(), "r");
    if (!f) {
        fprintf(stderr, "ssehub-loadgen: cannot read %s: %s\n", m_o.tokenFile.c_str(),
                strerror(errno));
        return false;
    }
    char line[8192];
    while (fgets(line, sizeof line, f)) {
        std::string token(line);
        while (!token.empty() && (token.back() == '\n' || token.back() == '\r'))
            token.pop_back();
        if (!token.empty())
            m_tokens.push_back(token);
    }
    fclose(f);
    if (m_tokens.empty()) {
        fprintf(stderr, "ssehub-loadgen: %s holds no token\n", m_o.tokenFile.c_str());
        return false;
    }
    return true;
}

std::string LoadGen::subscribePath(int topic) const
{
    if (m_o.flavor == "nchan")
        return "/sub/bench_" + std::to_string(topic);
    return "/events?topic=bench/" + std::to_string(topic);
}

Conn *LoadGen::open(Kind kind, int topic, size_t index)
{
    const sockaddr_in &addr = m_addrs[index % m_addrs.size()];
    auto c = std::make_unique<Conn>();
    c->kind = kind;
    c->topic = topic;
    c->startedUs = nowUs();
    c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c->fd < 0) {
        ++m_s.failed;
        return nullptr;
    }
    const int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    // Close with a reset at the end, so that runs leave no TIME_WAIT ports behind.
    const linger abortive {1, 0};
    setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &abortive, sizeof abortive);
    if (connect(c->fd, reinterpret_cast<const sockaddr *>(&addr), sizeof addr) != 0
        && errno != EINPROGRESS) {
        close(c->fd);
        ++m_s.failed;
        return nullptr;
    }
    if (kind == Kind::Subscriber) {
        c->out = "GET " + subscribePath(topic) + " HTTP/1.1\r\nHost: " + m_o.host
            + "\r\nAccept: text/event-stream\r\n";
        if (!m_tokens.empty())
            c->out += "Authorization: Bearer " + m_tokens[index % m_tokens.size()] + "\r\n";
        c->out += "\r\n";
    }
    epoll_event ev {};
    ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP;
    ev.data.ptr = c.get();
    epoll_ctl(m_epoll, EPOLL_CTL_ADD, c->fd, &ev);
    Conn *raw = c.get();
    (kind == Kind::Subscriber ? m_subs : m_pubs).push_back(std::move(c));
    return raw;
}

void LoadGen::fail(Conn *c)
{
    if (c->kind == Kind::Publisher) {
        closePublisher(c, "connection failed");
        return;
    }
    if (c->fd >= 0) {
        epoll_ctl(m_epoll, EPOLL_CTL_DEL, c->fd, nullptr);
        close(c->fd);
        c->fd = -1;
    }
    if (c->kind == Kind::Subscriber && !c->failed) {
        c->failed = true;
        if (c->headDone)
            --m_s.established;
        ++m_s.failed;
    }
}

void LoadGen::flushOut(Conn *c)
{
    while (c->outOffset < c->out.size()) {
        const ssize_t n
            = send(c->fd, c->out.data() + c->outOffset, c->out.size() - c->outOffset, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EAGAIN)
                break;
            fail(c);
            return;
        }
        c->outOffset += size_t(n);
    }
    if (c->outOffset == c->out.size()) {
        c->out.clear();
        c->outOffset = 0;
        epoll_event ev {};
        ev.events = EPOLLIN | EPOLLRDHUP;
        ev.data.ptr = c;
        epoll_ctl(m_epoll, EPOLL_CTL_MOD, c->fd, &ev);
    } else {
        epoll_event ev {};
        ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP;
        ev.data.ptr = c;
        epoll_ctl(m_epoll, EPOLL_CTL_MOD, c->fd, &ev);
    }
}

void LoadGen::onEvent(Conn *c, uint32_t events)
{
    if (c->fd < 0)
        return;
    if (events & EPOLLERR) {
        fail(c);
        return;
    }
    if (events & EPOLLOUT) {
        c->connected = true;
        flushOut(c);
        if (c->fd < 0)
            return;
    }
    if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP)) {
        if (c->kind == Kind::Subscriber)
            readSubscriber(c);
        else
            readPublisher(c);
    }
}

void LoadGen::readSubscriber(Conn *c)
{
    char buf[65536];
    for (;;) {
        const ssize_t n = recv(c->fd, buf, sizeof buf, 0);
        if (n > 0) {
            c->in.append(buf, size_t(n));
            if (n < ssize_t(sizeof buf))
                break;
            continue;
        }
        if (n == 0 || errno != EAGAIN) {
            fail(c);
            return;
        }
        break;
    }
    if (!c->headDone) {
        const size_t end = c->in.find("\r\n\r\n");
        if (end == std::string::npos)
            return;
        const bool ok = c->in.compare(0, 12, "HTTP/1.1 200") == 0;
        if (!ok) {
            fail(c);
            return;
        }
        c->headDone = true;
        ++m_s.established;
        m_s.connectUs.push_back(nowUs() - c->startedUs);
        c->in.erase(0, end + 4);
    }
    parseEvents(c);
}

// Finds "key":<integer> in data.
bool findNumber(const std::string &data, const char *key, int64_t *value)
{
    const size_t at = data.find(key);
    if (at == std::string::npos)
        return false;
    *value = strtoll(data.c_str() + at + strlen(key), nullptr, 10);
    return true;
}

void LoadGen::parseEvents(Conn *c)
{
    size_t start = 0;
    const int64_t now = nowUs();
    for (;;) {
        const size_t nl = c->in.find('\n', start);
        if (nl == std::string::npos)
            break;
        const size_t len = nl - start;
        const char *line = c->in.data() + start;
        if (len == 0) {
            if (!c->pendingData.empty()) {
                int64_t seq = -1, sent = 0, tseq = -1;
                if (findNumber(c->pendingData, "\"seq\":", &seq)
                    && findNumber(c->pendingData, "\"sent_us\":", &sent)) {
                    if (m_o.batch > 0 && findNumber(c->pendingData, "\"tseq\":", &tseq)
                        && tseq >= 0) {
                        noteTopicDelivery(c, tseq, now - sent);
                    } else {
                        if (seq == c->lastSeq)
                            ++m_s.duplicates;
                        else if (seq < c->lastSeq)
                            ++m_s.outOfOrder;
                        else {
                            ++c->received;
                            ++m_s.delivered;
                            m_s.lastDeliveryUs = nowUs();
                            m_s.latencyUs.push_back(
                                int32_t(std::min<int64_t>(now - sent, INT32_MAX)));
                        }
                        c->lastSeq = std::max(c->lastSeq, seq);
                    }
                }
                c->pendingData.clear();
            }
        } else if (len >= 5 && memcmp(line, "data:", 5) == 0) {
            c->pendingData.append(line + 5, len - 5);
        }
        start = nl + 1;
    }
    c->in.erase(0, start);
}

void LoadGen::readPublisher(Conn *c)
{
    char buf[65536];
    bool closed = false;
    for (;;) {
        const ssize_t n = recv(c->fd, buf, sizeof buf, 0);
        if (n > 0) {
            c->in.append(buf, size_t(n));
            continue;
        }
        closed = n == 0 || errno != EAGAIN;
        break;
    }
    // Answers come in the order of the requests (HTTP/1.1 pipelining); read every complete one
    // before a close counts the rest as lost.
    int status = 0;
    std::string body;
    for (;;) {
        const int taken = bench::takeResponse(c->in, &status, &body);
        if (taken == 0)
            break;
        if (taken < 0) {
            noteError(0, "an answer that is not HTTP/1.1: " + c->in.substr(0, 80));
            closed = true;
            break;
        }
        if (m_o.batch > 0) {
            onBatchAnswer(c, status, body);
            continue;
        }
        if (status < 200 || status >= 300) {
            ++m_s.publishErrors;
            noteError(status, body);
        }
        if (c->inflight > 0)
            --c->inflight;
        else
            ++m_s.unmatchedAnswers;
    }
    if (closed)
        closePublisher(c, "the server closed the connection");
}

// The connection is gone: what was in flight on it failed.
void LoadGen::closePublisher(Conn *c, const char *why)
{
    if (c->fd >= 0) {
        epoll_ctl(m_epoll, EPOLL_CTL_DEL, c->fd, nullptr);
        close(c->fd);
        c->fd = -1;
    }
    if (c->inflight > 0 || !c->batches.empty()) {
        noteError(0,
                  std::string(why) + " with " + std::to_string(c->inflight + int(c->batches.size()))
                      + " requests unanswered");
    }
    m_s.publishErrors += c->inflight;
    c->inflight = 0;
    while (!c->batches.empty()) {
        m_s.eventsUnanswered += int64_t(c->batches.front().events.size());
        failBatch(c->batches.front());
        c->batches.pop_front();
    }
}

void LoadGen::noteError(int status, const std::string &what)
{
    if (!m_s.firstError.empty())
        return;
    m_s.firstError = (status ? std::to_string(status) + " " : std::string()) + what.substr(0, 300);
    while (!m_s.firstError.empty()
           && (m_s.firstError.back() == '\n' || m_s.firstError.back() == '\r'))
        m_s.firstError.pop_back();
}

void LoadGen::failBatch(const Batch &batch)
{
    for (const BatchEvent &e : batch.events) {
        m_topicState[size_t(e.topic)][size_t(e.tseq)] = EventState::Failed;
        ++m_s.eventsFailed;
    }
}

void LoadGen::onBatchAnswer(Conn *c, int status, const std::string &body)
{
    m_s.lastAnswerUs = nowUs();
    ++m_s.batchAnswers[status];
    if (c->batches.empty()) {
        ++m_s.unmatchedAnswers;
        return;
    }
    const Batch batch = std::move(c->batches.front());
    c->batches.pop_front();
    if (status == 200 || status == 207) {
        const bench::BatchAnswer answer = bench::parseBatchAnswer(body);
        if (answer.valid && answer.results.size() == batch.events.size()) {
            if (!answer.countsAgree()) {
                ++m_s.answerMismatches;
                noteError(status, "published/failed disagree with the results: " + body);
            }
            for (size_t i = 0; i < batch.events.size(); ++i) {
                const BatchEvent &e = batch.events[i];
                if (answer.results[i].accepted) {
                    m_topicState[size_t(e.topic)][size_t(e.tseq)] = EventState::Accepted;
                    ++m_s.eventsAccepted;
                } else {
                    m_topicState[size_t(e.topic)][size_t(e.tseq)] = EventState::Failed;
                    ++m_s.eventsFailed;
                    ++m_s.eventErrors[answer.results[i].status];
                    noteError(answer.results[i].status, "an event of the batch refused: " + body);
                }
            }
            return;
        }
        ++m_s.answerMismatches;
        noteError(status,
                  "answer without one result per line (" + std::to_string(batch.events.size())
                      + " lines): " + body);
    } else {
        noteError(status, body);
    }
    failBatch(batch);
}

void LoadGen::noteTopicDelivery(Conn *c, int64_t tseq, int64_t latencyUs)
{
    if (size_t(tseq) >= m_topicState[size_t(c->topic)].size()) {
        ++m_s.unknownDeliveries;
        return;
    }
    if (size_t(tseq) >= c->seen.size())
        c->seen.resize(std::max(size_t(tseq) + 1, c->seen.size() * 2), 0);
    if (c->seen[size_t(tseq)]) {
        ++m_s.duplicates;
        return;
    }
    c->seen[size_t(tseq)] = 1;
    if (tseq < c->lastTseq)
        ++m_s.outOfOrder;
    c->lastTseq = std::max(c->lastTseq, tseq);
    ++c->received;
    ++m_s.delivered;
    m_s.lastDeliveryUs = nowUs();
    m_s.latencyUs.push_back(int32_t(std::min<int64_t>(latencyUs, INT32_MAX)));
}

void LoadGen::countMissing(int64_t *expected, int64_t *lost, int64_t *unexpected) const
{
    *expected = *lost = *unexpected = 0;
    for (const auto &s : m_subs) {
        if (!s->headDone || s->failed)
            continue;
        const std::vector<EventState> &states = m_topicState[size_t(s->topic)];
        for (size_t q = 0; q < states.size(); ++q) {
            const bool got = q < s->seen.size() && s->seen[q];
            if (states[q] == EventState::Accepted) {
                ++*expected;
                *lost += got ? 0 : 1;
            } else if (got) {
                ++*unexpected;
            }
        }
    }
    *unexpected += m_s.unknownDeliveries;
}

// One batch of `events` events over the topics of c's slot, in turn, as application/x-ndjson.
void LoadGen::sendBatch(Conn *c, int events)
{
    const int topics = std::max(m_o.topics, 1);
    const int64_t slotTopics = (topics - c->slot + m_slots - 1) / m_slots;
    const std::string pad
        = m_o.payloadBytes > 0 ? std::string(size_t(m_o.payloadBytes), 'x') : std::string();
    Batch batch;
    batch.events.reserve(size_t(events));
    std::string body;
    body.reserve(size_t(events) * (pad.size() + 120));
    const std::string sent = std::to_string(nowUs());
    for (int i = 0; i < events; ++i) {
        const int topic = c->slot + m_slots * int(m_slotCursor[size_t(c->slot)]++ % slotTopics);
        std::vector<EventState> &states = m_topicState[size_t(topic)];
        const int tseq = int(states.size());
        states.push_back(EventState::Pending);
        ++m_perTopicPublished[size_t(topic)];
        batch.events.push_back({topic, tseq});
        body += "{\"topic\":\"bench/" + std::to_string(topic)
            + "\",\"payload\":{\"seq\":" + std::to_string(m_seq++)
            + ",\"tseq\":" + std::to_string(tseq) + ",\"sent_us\":" + sent;
        if (!pad.empty())
            body += ",\"pad\":\"" + pad + "\"";
        body += "}}\n";
    }
    c->out += "POST /publish HTTP/1.1\r\nHost: " + m_o.host
        + "\r\nContent-Type: application/x-ndjson\r\nContent-Length: " + std::to_string(body.size())
        + "\r\n\r\n" + body;
    c->batches.push_back(std::move(batch));
    m_s.inflightMax = std::max<int64_t>(m_s.inflightMax, int64_t(c->batches.size()));
    ++m_s.batchesSent;
    m_s.published += events;
    flushOut(c);
}

// Batch mode's publishing phase: --count events in batches of --batch over the slots'
// connections, at most --pipeline batches in flight on each, at --rate events/s (0: as fast as
// the answers come). Each topic belongs to one connection, so its events reach the server in
// the order of their sequence numbers. A connection the server closes is opened again (at most
// 100 times in all); what is unanswered after --publish-timeout counts as failed.
void LoadGen::publishBatches()
{
    const int64_t startUs = nowUs();
    const int64_t deadline = startUs + int64_t(m_o.publishTimeoutSeconds * 1e6);
    int issued = 0;
    for (;;) {
        const int64_t now = nowUs();
        if (now >= deadline)
            break;
        bool inflight = false;
        int64_t waitUs = 5000;
        for (int slot = 0; slot < m_slots; ++slot) {
            Conn *c = m_slotConn[size_t(slot)];
            if (c->fd < 0 && issued < m_o.publishCount && m_s.publisherReconnects < 100) {
                ++m_s.publisherReconnects;
                c = open(Kind::Publisher, 0);
                if (!c)
                    continue;
                c->slot = slot;
                m_slotConn[size_t(slot)] = c;
            }
            if (c->fd < 0)
                continue;
            while (c->connected && int(c->batches.size()) < m_o.pipeline
                   && issued < m_o.publishCount) {
                if (m_o.publishRate > 0) {
                    const int64_t due = startUs + int64_t(double(issued) * 1e6 / m_o.publishRate);
                    if (due > now) {
                        waitUs = std::min(waitUs, due - now);
                        break;
                    }
                }
                const int events = std::min(m_o.batch, m_o.publishCount - issued);
                sendBatch(c, events);
                issued += events;
                if (c->fd < 0)
                    break;
            }
            inflight |= !c->batches.empty() || (c->fd >= 0 && !c->connected);
        }
        const bool canSend = issued < m_o.publishCount
            && (m_s.publisherReconnects < 100
                || std::any_of(m_slotConn.begin(), m_slotConn.end(),
                               [](const Conn *c) { return c->fd >= 0; }));
        if (!inflight && !canSend)
            break;
        poll(int(std::max<int64_t>(1, waitUs / 1000)));
    }
    for (Conn *c : m_slotConn)
        closePublisher(c, "no answer within --publish-timeout");
    if (issued < m_o.publishCount)
        noteError(0,
                  std::to_string(m_o.publishCount - issued)
                      + " events not sent (no connection to send them on)");
}

void LoadGen::publishOne()
{
    // Round robin over the publisher connections; requests are pipelined, so with one
    // publisher (the default) the server sees them in sequence order.
    Conn *target = nullptr;
    for (size_t i = 0; i < m_pubs.size() && !target; ++i) {
        Conn *p = m_pubs[size_t(m_seq + int(i)) % m_pubs.size()].get();
        if (p->fd >= 0 && p->connected)
            target = p;
    }
    if (!target) {
        ++m_s.publishErrors;
        ++m_seq;
        return;
    }
    const int topic = m_seq % std::max(m_o.topics, 1);
    const int seq = m_seq++;
    ++m_perTopicPublished[size_t(topic)];
    std::string payload
        = "{\"seq\":" + std::to_string(seq) + ",\"sent_us\":" + std::to_string(nowUs());
    if (m_o.payloadBytes > 0)
        payload += ",\"pad\":\"" + std::string(size_t(m_o.payloadBytes), 'x') + "\"";
    payload += "}";
    std::string body, path;
    if (m_o.flavor == "nchan") {
        path = "/pub/bench_" + std::to_string(topic);
        body = payload;
    } else {
        path = "/publish";
        body = "{\"topic\":\"bench/" + std::to_string(topic) + "\",\"payload\":" + payload + "}";
    }
    target->out += "POST " + path + " HTTP/1.1\r\nHost: " + m_o.host
        + "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size())
        + "\r\n\r\n" + body;
    ++target->inflight;
    m_s.inflightMax = std::max<int64_t>(m_s.inflightMax, target->inflight);
    ++m_s.published;
    flushOut(target);
}

void LoadGen::poll(int timeoutMs)
{
    epoll_event events[1024];
    const int n = epoll_wait(m_epoll, events, 1024, timeoutMs);
    for (int i = 0; i < n; ++i)
        onEvent(static_cast<Conn *>(events[i].data.ptr), events[i].events);
}

// {"200": 3, "415": 1}
std::string jsonCounts(const std::map<int, int64_t> &counts)
{
    std::string out = "{";
    for (const auto &[key, n] : counts) {
        if (out.size() > 1)
            out += ",";
        out += "\"" + std::to_string(key) + "\":" + std::to_string(n);
    }
    return out + "}";
}

std::string jsonString(const std::string &text)
{
    std::string out = "\"";
    for (const char ch : text) {
        const auto u = static_cast<unsigned char>(ch);
        if (ch == '"' || ch == '\\') {
            out += '\\';
            out += ch;
        } else if (u < 0x20) {
            char esc[8];
            snprintf(esc, sizeof esc, "\\u%04x", u);
            out += esc;
        } else {
            out += ch;
        }
    }
    return out + "\"";
}

double percentile(std::vector<int64_t> v, double p)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    const size_t idx = std::min(v.size() - 1, size_t(std::ceil(p / 100.0 * double(v.size())) - 1));
    return double(v[idx]);
}

int LoadGen::run()
{
    const ProcSample before = sampleProcs(m_o.serverPids);

    // 1. Connect the subscribers (ramped or all at once).
    const int64_t connectStart = nowUs();
    int opened = 0;
    const int64_t deadline = connectStart + int64_t(m_o.connectTimeoutSeconds * 1e6);
    while (nowUs() < deadline) {
        const int64_t elapsed = nowUs() - connectStart;
        const int due = m_o.rampPerSecond > 0
            ? std::min(m_o.subscribers, int(double(elapsed) / 1e6 * m_o.rampPerSecond) + 1)
            : m_o.subscribers;
        // Keep at most 2048 handshakes in flight so that the listen queue is not the limit.
        while (opened < due && opened - m_s.established - m_s.failed < 2048) {
            open(Kind::Subscriber, opened % std::max(m_o.topics, 1), size_t(opened));
            ++opened;
        }
        if (m_s.established + m_s.failed >= m_o.subscribers)
            break;
        poll(1);
    }
    const double connectSeconds = double(nowUs() - connectStart) / 1e6;
    const ProcSample connectedSample = sampleProcs(m_o.serverPids);

    // 2. Let the servers settle, then read their memory with every stream open and idle.
    const int64_t settleEnd = nowUs() + int64_t((m_o.settleSeconds + m_o.holdSeconds) * 1e6);
    while (nowUs() < settleEnd)
        poll(10);
    const ProcSample idle = sampleProcs(m_o.serverPids);

    // 3. Publish M events at rate R over keep-alive connections.
    if (m_o.batch > 0) {
        m_slots = std::max(1, std::min(m_o.publishers, std::max(m_o.topics, 1)));
        m_slotCursor.assign(size_t(m_slots), 0);
        m_topicState.assign(size_t(std::max(m_o.topics, 1)), {});
    }
    for (int i = 0; i < (m_o.batch > 0 ? m_slots : m_o.publishers) && m_o.publishCount > 0; ++i) {
        Conn *c = open(Kind::Publisher, 0);
        if (m_o.batch > 0) {
            // A slot whose socket could not even be made starts closed and is opened again.
            if (!c) {
                c = m_pubs.emplace_back(std::make_unique<Conn>()).get();
                c->kind = Kind::Publisher;
            }
            c->slot = i;
            m_slotConn.push_back(c);
        }
    }
    while (m_o.publishCount > 0) {
        bool ready = true;
        for (auto &p : m_pubs)
            ready &= p->connected || p->fd < 0;
        if (ready)
            break;
        poll(1);
    }
    const ProcSample publishStart = sampleProcs(m_o.serverPids);
    const int64_t publishStartUs = nowUs();
    const int64_t intervalUs = m_o.publishRate > 0 ? int64_t(1e6 / m_o.publishRate) : 0;
    int issued = m_o.batch > 0 ? m_o.publishCount : 0;
    if (m_o.batch > 0) {
        publishBatches();
        m_s.publishErrors += int(m_s.eventsFailed) + (m_o.publishCount - m_s.published);
    }
    while (issued < m_o.publishCount) {
        const int64_t due = publishStartUs + int64_t(issued) * intervalUs;
        const int64_t now = nowUs();
        if (now >= due) {
            publishOne();
            ++issued;
            continue;
        }
        poll(int(std::max<int64_t>(0, (due - now) / 1000)));
    }
    const double publishSeconds = double(nowUs() - publishStartUs) / 1e6;

    // 4. Wait for the deliveries to arrive (or the drain time to pass).
    int64_t expected = 0;
    for (auto &s : m_subs) {
        if (s->headDone && !s->failed)
            expected += m_perTopicPublished[size_t(s->topic)];
    }
    const int64_t drainEnd = nowUs() + int64_t(m_o.drainSeconds * 1e6);
    int64_t lost = 0, unexpected = 0, deliveredAccepted = 0;
    if (m_o.batch > 0) {
        // Wait until every stream has every accepted event of its topic (checked every 100 ms).
        countMissing(&expected, &lost, &unexpected);
        while (lost > 0 && nowUs() < drainEnd) {
            const int64_t until = std::min(drainEnd, nowUs() + 100000);
            while (nowUs() < until)
                poll(5);
            countMissing(&expected, &lost, &unexpected);
        }
        deliveredAccepted = expected - lost;
    } else {
        while (m_s.delivered < expected && nowUs() < drainEnd)
            poll(5);
        deliveredAccepted = m_s.delivered;
    }
    const ProcSample after = sampleProcs(m_o.serverPids);

    std::vector<int64_t> latencies(m_s.latencyUs.begin(), m_s.latencyUs.end());
    const double cpu = after.cpuSeconds - publishStart.cpuSeconds;
    printf("{\"flavor\":\"%s\",\"subscribers\":%d,\"topics\":%d,"
           "\"established\":%d,\"failed\":%d,\"connect_seconds\":%.3f,\"connect_rate\":%.0f,"
           "\"connect_p50_ms\":%.2f,\"connect_p99_ms\":%.2f,"
           "\"published\":%d,\"publish_errors\":%d,\"publish_seconds\":%.3f,\"publish_inflight_"
           "max\":%" PRId64 ","
           "\"expected\":%" PRId64 ",\"delivered\":%" PRId64 ",\"delivery_ratio\":%.5f,"
           "\"duplicates\":%" PRId64 ",\"out_of_order\":%" PRId64 ","
           "\"latency_p50_ms\":%.2f,\"latency_p90_ms\":%.2f,\"latency_p99_ms\":%.2f,\"latency_max_"
           "ms\":%.2f,"
           "\"server_cpu_seconds\":%.3f,\"server_cpu_us_per_delivery\":%.3f,"
           "\"server_connect_cpu_seconds\":%.3f,"
           "\"server_rss_before_kib\":%" PRId64 ",\"server_rss_idle_kib\":%" PRId64
           ",\"server_rss_after_kib\":%" PRId64 ","
           "\"rss_per_connection_kib\":%.2f,\"deliveries_per_second\":%.0f",
           m_o.flavor.c_str(), m_o.subscribers, m_o.topics, m_s.established, m_s.failed,
           connectSeconds, connectSeconds > 0 ? double(m_s.established) / connectSeconds : 0.0,
           percentile(m_s.connectUs, 50) / 1000.0, percentile(m_s.connectUs, 99) / 1000.0,
           m_s.published, m_s.publishErrors, publishSeconds, m_s.inflightMax, expected,
           deliveredAccepted, expected > 0 ? double(deliveredAccepted) / double(expected) : 1.0,
           m_s.duplicates, m_s.outOfOrder, percentile(latencies, 50) / 1000.0,
           percentile(latencies, 90) / 1000.0, percentile(latencies, 99) / 1000.0,
           percentile(latencies, 100) / 1000.0, cpu,
           m_s.delivered > 0 ? cpu * 1e6 / double(m_s.delivered) : 0.0,
           connectedSample.cpuSeconds - before.cpuSeconds, before.rssKiB, idle.rssKiB, after.rssKiB,
           m_s.established > 0 ? double(idle.rssKiB - before.rssKiB) / m_s.established : 0.0,
           m_s.lastDeliveryUs > publishStartUs
               ? double(m_s.delivered) * 1e6 / double(m_s.lastDeliveryUs - publishStartUs)
               : 0.0);
    if (m_o.batch > 0) {
        // Accepted events per second: from the first batch sent to the last answer.
        const double answerSeconds = m_s.lastAnswerUs > publishStartUs
            ? double(m_s.lastAnswerUs - publishStartUs) / 1e6
            : 0.0;
        printf(",\"batch\":%d,\"batches_sent\":%" PRId64 ",\"events_sent\":%d,"
               "\"events_not_sent\":%d,\"events_accepted\":%" PRId64 ",\"events_failed\":%" PRId64
               ",\"events_unanswered\":%" PRId64
               ",\"batch_answers\":%s,\"event_errors\":%s,\"answer_mismatches\":%" PRId64
               ",\"unmatched_answers\":%" PRId64 ",\"publisher_reconnects\":%" PRId64
               ",\"accepted_per_second\":%.0f,\"lost\":%" PRId64 ",\"unexpected\":%" PRId64
               ",\"server_cpu_us_per_event\":%.3f",
               m_o.batch, m_s.batchesSent, m_s.published, m_o.publishCount - m_s.published,
               m_s.eventsAccepted, m_s.eventsFailed, m_s.eventsUnanswered,
               jsonCounts(m_s.batchAnswers).c_str(), jsonCounts(m_s.eventErrors).c_str(),
               m_s.answerMismatches, m_s.unmatchedAnswers, m_s.publisherReconnects,
               answerSeconds > 0 ? double(m_s.eventsAccepted) / answerSeconds : 0.0, lost,
               unexpected, m_s.eventsAccepted > 0 ? cpu * 1e6 / double(m_s.eventsAccepted) : 0.0);
    }
    printf(",\"first_error\":%s}\n", jsonString(m_s.firstError).c_str());
    fflush(stdout);
    return 0;
}

void usage()
{
    fprintf(stderr,
            "usage: ssehub-loadgen [--host H] [--port P] [--also-port P2]... [--flavor "
            "ssehub|nchan] [--subscribers N]\n"
            "       [--topics T] [--ramp PER_SECOND] [--rate PUBLISHES_PER_SECOND] [--count M]\n"
            "       [--publishers K] [--payload-bytes B] [--server-pid PID]... [--hold SECONDS]\n"
            "       [--drain SECONDS] [--connect-timeout SECONDS] [--token-file FILE]\n"
            "       [--batch EVENTS_PER_REQUEST [--pipeline BATCHES_PER_CONNECTION]\n"
            "        [--publish-timeout SECONDS]]\n"
            "  --token-file: stream i sends 'Authorization: Bearer <line i %% lines>'\n"
            "  --batch: POST /publish as application/x-ndjson; --count is then events, --rate\n"
            "           events/s (0: as fast as answers come), --publishers connections\n");
}

} // namespace

int main(int argc, char **argv)
{
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&]() -> const char * {
            if (i + 1 >= argc) {
                usage();
                exit(2);
            }
            return argv[++i];
        };
        if (a == "--host")
            o.host = next();
        else if (a == "--port")
            o.port = atoi(next());
        else if (a == "--also-port")
            o.extraPorts.push_back(atoi(next()));
        else if (a == "--flavor")
            o.flavor = next();
        else if (a == "--subscribers")
            o.subscribers = atoi(next());
        else if (a == "--topics")
            o.topics = atoi(next());
        else if (a == "--ramp")
            o.rampPerSecond = atof(next());
        else if (a == "--rate")
            o.publishRate = atof(next());
        else if (a == "--count")
            o.publishCount = atoi(next());
        else if (a == "--publishers")
            o.publishers = atoi(next());
        else if (a == "--payload-bytes")
            o.payloadBytes = atoi(next());
        else if (a == "--server-pid")
            o.serverPids.push_back(atoi(next()));
        else if (a == "--hold")
            o.holdSeconds = atof(next());
        else if (a == "--drain")
            o.drainSeconds = atof(next());
        else if (a == "--connect-timeout")
            o.connectTimeoutSeconds = atof(next());
        else if (a == "--token-file")
            o.tokenFile = next();
        else if (a == "--batch")
            o.batch = atoi(next());
        else if (a == "--pipeline")
            o.pipeline = atoi(next());
        else if (a == "--publish-timeout")
            o.publishTimeoutSeconds = atof(next());
        else {
            usage();
            return 2;
        }
    }
    rlimit limit;
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
    if (o.batch < 0 || o.pipeline < 1 || (o.batch > 0 && o.flavor != "ssehub")) {
        fprintf(stderr,
                "ssehub-loadgen: --batch needs --flavor ssehub (Nchan has no batch "
                "publish) and --pipeline at least 1\n");
        return 2;
    }
    LoadGen gen(o);
    if (!gen.loadTokens())
        return 2;
    return gen.run();
}
