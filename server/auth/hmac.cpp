#include "auth/hmac.h"

#include <cstring>
#include <openssl/crypto.h>
#include <openssl/evp.h>

namespace ssehub {

namespace {

struct MdContextFree
{
    void operator()(EVP_MD_CTX *ctx) const { EVP_MD_CTX_free(ctx); }
};
using MdContext = std::unique_ptr<EVP_MD_CTX, MdContextFree>;

} // namespace

// HMAC as RFC 2104 defines it, with the digest states after the inner and the outer key pad
// computed once: a MAC is then two copies of a state and two short digests.
struct Hmac::Context
{
    MdContext inner;
    MdContext outer;
};

Hmac::Hmac(Digest digest, QByteArrayView key)
{
    const EVP_MD *md = digest == Digest::Sha256 ? EVP_sha256()
        : digest == Digest::Sha384              ? EVP_sha384()
                                                : EVP_sha512();
    const int blockSize = EVP_MD_get_block_size(md);
    const int size = EVP_MD_get_size(md);
    if (blockSize <= 0 || blockSize > 128 || size <= 0)
        return;
    unsigned char block[128] = {};
    if (key.size() > blockSize) {
        // A key longer than a block is replaced by its digest.
        unsigned int length = 0;
        if (EVP_Digest(key.data(), size_t(key.size()), block, &length, md, nullptr) != 1)
            return;
    } else if (!key.isEmpty()) {
        std::memcpy(block, key.data(), size_t(key.size()));
    }
    auto context = std::make_unique<Context>();
    context->inner.reset(EVP_MD_CTX_new());
    context->outer.reset(EVP_MD_CTX_new());
    unsigned char pad[128];
    const auto padded = [&](EVP_MD_CTX *ctx, unsigned char with) {
        for (int i = 0; i < blockSize; ++i)
            pad[i] = block[i] ^ with;
        return ctx && EVP_DigestInit_ex(ctx, md, nullptr) == 1
            && EVP_DigestUpdate(ctx, pad, size_t(blockSize)) == 1;
    };
    const bool ok = padded(context->inner.get(), 0x36) && padded(context->outer.get(), 0x5c);
    OPENSSL_cleanse(block, sizeof block);
    OPENSSL_cleanse(pad, sizeof pad);
    if (!ok)
        return;
    m_size = size;
    m_ready = std::move(context);
}

Hmac::~Hmac() = default;

QByteArray Hmac::mac(QByteArrayView data) const
{
    if (!m_ready)
        return {};
    // The keyed states are only read (copied from), so threads share them; each thread works
    // in a context of its own.
    thread_local MdContext work(EVP_MD_CTX_new());
    if (!work)
        return {};
    unsigned char inner[EVP_MAX_MD_SIZE];
    unsigned int innerLength = 0;
    QByteArray out(m_size, Qt::Uninitialized);
    unsigned int outLength = 0;
    const bool ok = EVP_MD_CTX_copy_ex(work.get(), m_ready->inner.get()) == 1
        && EVP_DigestUpdate(work.get(), data.data(), size_t(data.size())) == 1
        && EVP_DigestFinal_ex(work.get(), inner, &innerLength) == 1
        && EVP_MD_CTX_copy_ex(work.get(), m_ready->outer.get()) == 1
        && EVP_DigestUpdate(work.get(), inner, innerLength) == 1
        && EVP_DigestFinal_ex(work.get(), reinterpret_cast<unsigned char *>(out.data()), &outLength)
            == 1
        && outLength == unsigned(m_size);
    return ok ? out : QByteArray();
}

bool Hmac::verify(QByteArrayView data, QByteArrayView mac) const
{
    const QByteArray expected = this->mac(data);
    return !expected.isEmpty() && mac.size() == expected.size()
        && CRYPTO_memcmp(mac.data(), expected.constData(), size_t(mac.size())) == 0;
}

} // namespace ssehub
