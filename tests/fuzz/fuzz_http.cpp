// libFuzzer target: the request parser and the chunked body decoder. Whatever the bytes, the
// parser completes, waits or fails with a 4xx/5xx status; a complete head is consistent (the
// same bytes parse to the same head, framing is one of the three, no header value carries a
// control byte); the decoder never holds more than its limit.
#include "http/httpparser.h"

#include <cstddef>
#include <cstdint>

using namespace ssehub;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    http::Limits limits;
    limits.maxHeadBytes = 2048;
    limits.maxHeaderLines = 32;
    http::RequestHead head;
    qsizetype used = 0;
    http::Error error;
    switch (http::parseRequestHead(bytes, limits, &head, &used, &error)) {
    case http::Result::Incomplete:
        if (bytes.size() > limits.maxHeadBytes + 16)
            __builtin_trap(); // past the limit it must decide
        return 0;
    case http::Result::Failed:
        if (error.status < 400 || error.status > 599 || error.message.isEmpty())
            __builtin_trap();
        return 0;
    case http::Result::Complete:
        break;
    }
    if (used <= 0 || used > bytes.size() || !bytes.left(used).endsWith("\r\n\r\n"))
        __builtin_trap();
    if (head.minorVersion == 1 && head.host.isNull())
        __builtin_trap();
    for (const auto &[name, value] : head.headers) {
        if (!http::isToken(name) || name != name.toLower())
            __builtin_trap();
        for (const char c : value) {
            if (c == '\r' || c == '\n' || c == '\0')
                __builtin_trap();
        }
    }
    http::RequestHead again;
    qsizetype usedAgain = 0;
    if (http::parseRequestHead(bytes.left(used), limits, &again, &usedAgain, &error)
            != http::Result::Complete
        || usedAgain != used || again.framing != head.framing
        || again.contentLength != head.contentLength || again.path != head.path)
        __builtin_trap();
    if (head.framing == http::BodyFraming::Chunked) {
        const qint64 max = 512;
        http::ChunkedDecoder decoder(max);
        QByteArray body;
        const qsizetype consumed = decoder.feed(QByteArrayView(bytes).sliced(used), &body);
        if (body.size() > max || consumed > bytes.size() - used)
            __builtin_trap();
    }
    return 0;
}
