// libFuzzer target: the POST /publish body parser. Whatever the body, it answers with an error
// and a 4xx status, or with a request whose topic is valid and whose payload is one JSON value.
#include "http/httpfront.h"

#include <QJsonDocument>

#include <cstddef>
#include <cstdint>

using namespace ssehub;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray body(reinterpret_cast<const char *>(data), qsizetype(size));
    PublishRequest request;
    int status = 0;
    const QString error = parsePublishBody("application/json", body, 64 * 1024, &request, &status);
    if (!error.isEmpty()) {
        if (status < 400 || status > 499)
            __builtin_trap();
        return 0;
    }
    if (!validateTopic(request.topic).isEmpty() || request.type.isEmpty())
        __builtin_trap();
    // The payload must be one JSON value: wrapped in an array it parses.
    QJsonParseError parseError;
    QJsonDocument::fromJson("[" + request.payloadJson + "]", &parseError);
    if (parseError.error != QJsonParseError::NoError)
        __builtin_trap();
    return 0;
}
