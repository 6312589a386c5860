// libFuzzer target: token verification and credential parsing. Whatever the input, verification
// must not crash, and only a token signed with the secret may pass: the input is tried as a
// token (header, query and cookie) against a fixed secret.
#include "auth/auth.h"

#include <cstddef>
#include <cstdint>

using namespace ssehub;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const Authenticator auth([] {
        Authenticator::Options options;
        options.jwtSecret = "fuzz-secret-fuzz-secret-fuzz-secret-0";
        return options;
    }());
    const QByteArray input(reinterpret_cast<const char *>(data), qsizetype(size));
    Identity who;
    Credentials header;
    header.authorization = "Bearer " + input;
    const QString headerError = auth.identify(header, 1'800'000'000'000, &who);
    if (headerError.isEmpty() && (!who.authenticated || who.clientId.isEmpty()))
        __builtin_trap(); // an accepted token always names its client
    Credentials raw;
    raw.authorization = input;
    (void)auth.identify(raw, 0, &who);
    Credentials cookie;
    cookie.cookieHeader = input;
    (void)auth.identify(cookie, 0, &who);
    (void)cookieValue(input, "ssehub_token");
    (void)Acl::fromJson(input);
    return 0;
}
