// libFuzzer target: key sets as a JWKS URL serves them (auth/jwk). Whatever the document, reading
// it must not crash or accept private or symmetric material, and every key it yields must refuse
// a signature that is not one.
#include "auth/jwk.h"

#include <cstddef>
#include <cstdint>

using namespace ssehub;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView input(reinterpret_cast<const char *>(data), qsizetype(size));
    const HubResult<QList<VerifyKey>> keys = keySetFromJwks(input, KeySetLimits());
    if (!keys.ok())
        return 0;
    for (const VerifyKey &key : keys.value()) {
        for (const char *alg : {"RS256", "PS256", "ES256", "ES384", "EdDSA", "HS256", "none"}) {
            if (key.allows(alg) && QByteArrayView(alg) == "HS256")
                __builtin_trap(); // a public key never verifies an HMAC
            if (key.verify(alg, "header.payload", QByteArray(64, 'x')))
                __builtin_trap(); // no key takes a signature of 'x's
        }
    }
    (void)VerifyKey::fromPem(input);
    return 0;
}
