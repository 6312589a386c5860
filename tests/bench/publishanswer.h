#pragma once

// The answers to publishes as the load generator reads them, without Qt: the HTTP/1.1 framing
// of an answer, and the body of a batch publish's answer (POST /publish with an
// application/x-ndjson body):
//
//   200 or 207  {"results": [{"id": "..."} | {"error": "...", "status": N}, ...],
//                "published": n, "failed": m}
//
// One result per line of the request, in the order of the lines. The reader is a small JSON
// scanner (strings with escapes, nested values skipped), so a payload echoed back inside an
// error or keys in any order do not confuse it.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace bench {

// Takes one complete HTTP/1.1 answer off the front of `in` (Content-Length or chunked framing),
// with its status and (decoded) body. 1: taken; 0: not complete yet; -1: not an HTTP answer.
int takeResponse(std::string &in, int *status, std::string *body);

struct BatchResult
{
    bool accepted = false; // the result has an "id" and no "error"
    int status = 0; // the result's "status" (0 when it has none)
};

struct BatchAnswer
{
    // The body is a JSON object with a "results" array of objects; otherwise nothing below
    // can be trusted and every event of the batch counts as failed.
    bool valid = false;
    std::vector<BatchResult> results;
    int64_t published = -1; // -1: absent
    int64_t failed = -1; // -1: absent
    // Whether "published" and "failed", where present, agree with the results.
    bool countsAgree() const;
};

BatchAnswer parseBatchAnswer(std::string_view body);

} // namespace bench
