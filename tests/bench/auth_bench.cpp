// What authentication costs a publish: identify (the token) and checkPublish (the ACL), with the
// Authenticator's cache (what the server uses) and without it, against an anonymous publish in
// the same run. Not a test: it prints a table and never fails.
//
// usage: ssehub-auth-bench [iterations]
#include "auth/auth.h"
#include "tokens.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonObject>

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <mutex>

using namespace ssehub;

namespace {

const QByteArray Secret = "bench-secret-bench-secret-bench-secret";
constexpr qint64 Now = 1'800'000'000'000;

// A deployment-like ACL: per-device topics with %c, a deny list, a few roles.
const char *const AclJson = R"({
    "anonymous": "public",
    "roles": {
        "public": {"subscribe": ["public/#"], "publish": ["public/chat"]},
        "device": {"subscribe": ["devices/%c/#", "broadcast/#"],
                   "publish": ["devices/%c/data", "devices/%c/status"],
                   "deny": ["devices/%c/firmware/#", "control/#"]},
        "fleet": {"subscribe": ["fleet/+/summary"], "publish": ["fleet/%c/summary"]},
        "ops": {"subscribe": ["#"], "publish": ["#"], "admin": true}
    },
    "clients": {"dev-42": ["device", "fleet"], "root": ["ops"]}
})";

// ns per call of fn, the best of five runs (the machine is shared).
double nsPerCall(int iterations, const std::function<void()> &fn)
{
    double best = 0;
    for (int run = 0; run < 5; ++run) {
        QElapsedTimer timer;
        timer.start();
        for (int i = 0; i < iterations; ++i)
            fn();
        const double ns = double(timer.nsecsElapsed()) / iterations;
        if (run == 0 || ns < best)
            best = ns;
    }
    return best;
}

Authenticator makeAuthenticator(bool cached)
{
    Authenticator::Options options;
    options.jwtSecret = Secret;
    options.acl = Acl::fromJson(AclJson).value();
    if (!cached) {
        options.cache.tokenBytes = 0;
        options.cache.decisionBytes = 0;
    }
    return Authenticator(options);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const int iterations = argc > 1 ? std::atoi(argv[1]) : 20000;
    const QByteArray token
        = test::makeToken({{QStringLiteral("sub"), QStringLiteral("dev-42")},
                           {QStringLiteral("exp"), double(Now / 1000 + 3600)},
                           {QStringLiteral("roles"), QJsonArray {QStringLiteral("public")}}},
                          Secret);
    Credentials bearer;
    bearer.authorization = "Bearer " + token;
    const QByteArray topic = "devices/dev-42/data";
    const QByteArray anonymousTopic = "public/chat";

    printf("| what | uncached: ns | cached: ns | cached vs uncached |\n");
    printf("| --- | ---: | ---: | ---: |\n");
    double anonymousCached = 0;
    auto row = [&](const char *what, const std::function<void(const Authenticator &)> &fn) {
        const Authenticator uncached = makeAuthenticator(false);
        const Authenticator cached = makeAuthenticator(true);
        const double off = nsPerCall(iterations, [&] { fn(uncached); });
        const double on = nsPerCall(iterations, [&] { fn(cached); });
        printf("| %s | %.0f | %.0f | %.2fx |\n", what, off, on, on / off);
        return on;
    };
    int sink = 0;
    anonymousCached = row("anonymous: identify + checkPublish", [&](const Authenticator &auth) {
        Identity who;
        sink += auth.identify(Credentials(), Now, &who).size();
        sink += auth.checkPublish(who, anonymousTopic).size();
    });
    const double tokenCached
        = row("token: identify + checkPublish", [&](const Authenticator &auth) {
              Identity who;
              sink += auth.identify(bearer, Now, &who).size();
              sink += auth.checkPublish(who, topic).size();
          });
    row("token: identify", [&](const Authenticator &auth) {
        Identity who;
        sink += auth.identify(bearer, Now, &who).size();
    });
    Identity device;
    makeAuthenticator(false).identify(bearer, Now, &device);
    row("checkPublish (allowed)",
        [&](const Authenticator &auth) { sink += auth.checkPublish(device, topic).size(); });
    row("checkPublish (denied)", [&](const Authenticator &auth) {
        sink += auth.checkPublish(device, "control/reboot").size();
    });
    const TopicFilter filter = TopicFilter::parse("devices/dev-42/#");
    row("checkSubscribe (denied: firmware)",
        [&](const Authenticator &auth) { sink += auth.checkSubscribe(device, filter).size(); });
    row("isAdmin (not cached)", [&](const Authenticator &auth) { sink += auth.isAdmin(device); });
    std::mutex mutex;
    const double lockNs = nsPerCall(iterations * 10, [&] {
        const std::lock_guard lock(mutex);
        ++sink;
    });
    printf("\nauthenticated publish (cached) / anonymous publish (cached): %.2fx\n",
           tokenCached / anonymousCached);
    printf("one uncontended lock and unlock of the cache's mutex: %.0f ns (two per cached call)\n",
           lockNs);
    return sink == -1;
}
