// libFuzzer target: the auth hook's answers (auth/authhook). Whatever the backend sends, reading
// it must not crash, and nothing but a 200 with a JSON object whose "allow" is true allows; an
// allow's grants are valid filters and its client id a safe one.
#include "auth/authhook.h"
#include "hub/client.h"

#include <QCoreApplication>

#include <cstddef>
#include <cstdint>

using namespace ssehub;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int argc = 1;
    static char name[] = "fuzz_authhook";
    static char *argv[] = {name, nullptr};
    static QCoreApplication app(argc, argv);
    static AuthHook hook(AuthHook::Options {});
    if (size < 2)
        return 0;
    // The first byte picks the status, the next few the Cache-Control, the rest is the body.
    static const int statuses[] = {200, 200, 200, 200, 204, 302, 401, 403, 404, 500, 503};
    const int status = statuses[data[0] % std::size(statuses)];
    const size_t split = qMin<size_t>(size, 1 + data[1] % 24);
    const QByteArray cacheControl(reinterpret_cast<const char *>(data) + 2,
                                  qsizetype(split > 2 ? split - 2 : 0));
    const QByteArray body(reinterpret_cast<const char *>(data) + split, qsizetype(size - split));
    qint64 cacheMs = -1;
    AuthHook::Outcome outcome = AuthHook::Outcome::Error;
    const AuthHook::Answer answer
        = hook.readAnswer(status, cacheControl, body, 1'700'000'000'000, &cacheMs, &outcome);
    if (answer.kind == AuthHook::Answer::Kind::Allow) {
        if (status != 200 || !body.contains("allow") || outcome != AuthHook::Outcome::Allow)
            __builtin_trap();
        if (!answer.clientId.isEmpty()
            && !validateAuthenticatedClientId(answer.clientId.toUtf8()).isEmpty())
            __builtin_trap();
        for (const TopicFilter &filter : answer.subscribe + answer.publish) {
            if (!filter.isValid())
                __builtin_trap();
        }
    }
    if (cacheMs < 0 || cacheMs > hook.options().cacheMaxMs)
        __builtin_trap();
    if (answer.kind == AuthHook::Answer::Kind::Unavailable && cacheMs != 0)
        __builtin_trap(); // failures are never remembered
    return 0;
}
