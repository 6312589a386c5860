// libFuzzer target: the POST /publish body readers. Whatever the body, the reference
// (QJsonDocument) answers with an error and a 4xx status, or with a request whose topic is valid
// and whose payload is one JSON value on one line; the fast reader the server uses gives exactly
// the same answer (differential), and so do the batch readers, fast and reference.
#include "api/publishbatch.h"
#include "api/validation.h"

#include <QJsonDocument>

#include <cstddef>
#include <cstdint>

using namespace ssehub;

namespace {

bool sameItems(const QList<BatchItem> &a, const QList<BatchItem> &b)
{
    if (a.size() != b.size())
        return false;
    for (qsizetype i = 0; i < a.size(); ++i) {
        if (a.at(i).error != b.at(i).error || a.at(i).status != b.at(i).status
            || a.at(i).request.topic != b.at(i).request.topic
            || a.at(i).request.type != b.at(i).request.type
            || a.at(i).request.payloadJson != b.at(i).request.payloadJson)
            return false;
    }
    return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray body(reinterpret_cast<const char *>(data), qsizetype(size));
    PublishRequest request;
    int status = 0;
    const QString error = parsePublishBody("application/json", body, 64 * 1024, &request, &status);
    PublishRequest fast;
    int fastStatus = 0;
    const QString fastError
        = parsePublishBodyFast("application/json", body, 64 * 1024, &fast, &fastStatus);
    if (fastError != error || fastStatus != status || fast.topic != request.topic
        || fast.type != request.type || fast.payloadJson != request.payloadJson)
        __builtin_trap();
    for (const QByteArrayView type : {"application/x-ndjson", "application/json"}) {
        PublishBatchLimits limits;
        limits.maxEvents = 100;
        limits.maxEventBytes = 4096;
        QList<BatchItem> items, reference;
        int batchStatus = 0, referenceStatus = 0;
        const QString batchError = parsePublishBatch(type, body, limits, &items, &batchStatus);
        const QString referenceError
            = parsePublishBatchQt(type, body, limits, &reference, &referenceStatus);
        if (batchError != referenceError || batchStatus != referenceStatus
            || !sameItems(items, reference))
            __builtin_trap();
    }
    if (!error.isEmpty()) {
        if (status < 400 || status > 499)
            __builtin_trap();
        return 0;
    }
    if (!validateTopic(request.topic).isEmpty() || request.type.isEmpty())
        __builtin_trap();
    // The payload must be one JSON value on one line (an SSE data line): wrapped in an array
    // it parses.
    QJsonParseError parseError;
    QJsonDocument::fromJson("[" + request.payloadJson + "]", &parseError);
    if (parseError.error != QJsonParseError::NoError || request.payloadJson.contains('\n')
        || request.payloadJson.contains('\r'))
        __builtin_trap();
    return 0;
}
