// libFuzzer target: token verification and credential parsing. Whatever the input, verification
// must not crash, and only a token signed with the secret may pass: the input is tried as a
// token (header, query and cookie) against a fixed secret. The JOSE readers a forger cannot reach
// past the signature are tried directly, against Qt's: what jose::parseObject accepts,
// QJsonDocument reads as the same object; what jose::base64UrlDecode accepts, Qt decodes to the
// same bytes and writes back as the same text.
#include "auth/auth.h"
#include "auth/jose.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <cstddef>
#include <cstdint>

using namespace ssehub;

namespace {

void compareWithQt(const QByteArray &input)
{
    jose::Value value;
    QString error;
    if (jose::parseObject(input, &value, &error)) {
        QJsonParseError qtError;
        const QJsonDocument doc = QJsonDocument::fromJson(input, &qtError);
        if (qtError.error != QJsonParseError::NoError || !doc.isObject())
            __builtin_trap(); // accepted what JSON does not allow
        const QJsonObject object = doc.object();
        if (object.size() != value.members.size())
            __builtin_trap();
        for (const auto &[name, member] : value.members) {
            const QJsonValue qt = object.value(QString::fromUtf8(name));
            if (member.isString() && qt.toString().toUtf8() != member.string)
                __builtin_trap();
            if (member.isNumber() && qt.toDouble() != member.number)
                __builtin_trap();
            if (member.isArray() != qt.isArray() || member.isObject() != qt.isObject())
                __builtin_trap();
        }
    }
    QByteArray bytes;
    if (jose::base64UrlDecode(input, &bytes)) {
        const auto options = QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals;
        if (QByteArray::fromBase64(input, options) != bytes
            || bytes.toBase64(options) != input || jose::base64UrlEncode(bytes) != input)
            __builtin_trap();
    }
}

} // namespace

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
    compareWithQt(input);
    return 0;
}
