#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <memory>

namespace ssehub {

// A keyed HMAC (SHA-256, SHA-384 or SHA-512) through OpenSSL's libcrypto. The key is set up once;
// each mac() works on its own copy of that state, so one Hmac may be used from several threads.
class Hmac
{
public:
    enum class Digest { Sha256, Sha384, Sha512 };

    Hmac(Digest digest, QByteArrayView key);
    ~Hmac();
    Hmac(const Hmac &) = delete;
    Hmac &operator=(const Hmac &) = delete;

    // False when libcrypto could not set up the key (it then never verifies anything).
    bool isValid() const { return m_ready != nullptr; }
    int size() const { return m_size; }
    // The MAC of data; empty when the key is not valid or libcrypto fails.
    QByteArray mac(QByteArrayView data) const;
    // Whether mac is data's MAC, compared in constant time.
    bool verify(QByteArrayView data, QByteArrayView mac) const;

private:
    struct Context;
    std::unique_ptr<Context> m_ready;
    int m_size = 0;
};

} // namespace ssehub
