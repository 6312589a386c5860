#include "publishanswer.h"

#include <cctype>
#include <cstdlib>

namespace bench {

namespace {

// A cursor over JSON text; each parse function returns false on malformed input.
class Scanner
{
public:
    explicit Scanner(std::string_view text)
        : m_text(text)
    {
    }

    void skipSpace()
    {
        while (m_at < m_text.size()
               && (m_text[m_at] == ' ' || m_text[m_at] == '\t' || m_text[m_at] == '\n'
                   || m_text[m_at] == '\r'))
            ++m_at;
    }
    bool atEnd()
    {
        skipSpace();
        return m_at >= m_text.size();
    }
    // Consumes c (after white space) if it is next.
    bool take(char c)
    {
        skipSpace();
        if (m_at < m_text.size() && m_text[m_at] == c) {
            ++m_at;
            return true;
        }
        return false;
    }
    char peek()
    {
        skipSpace();
        return m_at < m_text.size() ? m_text[m_at] : '\0';
    }

    // A string; escapes other than \" and \\ are kept as written (keys here are plain ASCII).
    bool string(std::string *out)
    {
        if (!take('"'))
            return false;
        out->clear();
        while (m_at < m_text.size()) {
            const char c = m_text[m_at++];
            if (c == '"')
                return true;
            if (c == '\\') {
                if (m_at >= m_text.size())
                    return false;
                const char e = m_text[m_at++];
                if (e != '"' && e != '\\')
                    out->push_back('\\');
                out->push_back(e);
                continue;
            }
            if (static_cast<unsigned char>(c) < 0x20)
                return false;
            out->push_back(c);
        }
        return false;
    }

    bool number(int64_t *out)
    {
        skipSpace();
        const size_t start = m_at;
        if (m_at < m_text.size() && m_text[m_at] == '-')
            ++m_at;
        while (m_at < m_text.size()
               && ((m_text[m_at] >= '0' && m_text[m_at] <= '9') || m_text[m_at] == '.'
                   || m_text[m_at] == 'e' || m_text[m_at] == 'E' || m_text[m_at] == '+'
                   || m_text[m_at] == '-'))
            ++m_at;
        if (m_at == start)
            return false;
        const std::string digits(m_text.substr(start, m_at - start));
        *out = std::strtoll(digits.c_str(), nullptr, 10);
        return true;
    }

    // Skips any value (nested ones included).
    bool skipValue(int depth = 0)
    {
        if (depth > 64)
            return false;
        const char c = peek();
        std::string ignored;
        if (c == '"')
            return string(&ignored);
        if (c == '{') {
            take('{');
            if (take('}'))
                return true;
            do {
                if (!string(&ignored) || !take(':') || !skipValue(depth + 1))
                    return false;
            } while (take(','));
            return take('}');
        }
        if (c == '[') {
            take('[');
            if (take(']'))
                return true;
            do {
                if (!skipValue(depth + 1))
                    return false;
            } while (take(','));
            return take(']');
        }
        for (const std::string_view word : {"true", "false", "null"}) {
            if (m_text.substr(m_at, word.size()) == word) {
                m_at += word.size();
                return true;
            }
        }
        int64_t n = 0;
        return number(&n);
    }

private:
    std::string_view m_text;
    size_t m_at = 0;
};

// One element of "results".
bool parseResult(Scanner &s, BatchResult *out)
{
    if (!s.take('{'))
        return false;
    bool hasId = false;
    bool hasError = false;
    if (!s.take('}')) {
        std::string key;
        do {
            if (!s.string(&key) || !s.take(':'))
                return false;
            if (key == "id" && s.peek() == '"') {
                std::string id;
                if (!s.string(&id))
                    return false;
                hasId = !id.empty();
            } else if (key == "status" && s.peek() != '"') {
                int64_t status = 0;
                if (!s.number(&status))
                    return false;
                out->status = int(status);
            } else {
                if (key == "error")
                    hasError = true;
                if (!s.skipValue())
                    return false;
            }
        } while (s.take(','));
        if (!s.take('}'))
            return false;
    }
    out->accepted = hasId && !hasError;
    return true;
}

} // namespace

int takeResponse(std::string &in, int *status, std::string *body)
{
    const size_t end = in.find("\r\n\r\n");
    if (end == std::string::npos)
        return in.size() > 65536 ? -1 : 0;
    if (in.compare(0, 5, "HTTP/") != 0 || in.size() < 12)
        return -1;
    *status = atoi(in.c_str() + 9);
    int64_t length = 0;
    bool chunked = false;
    for (size_t line = in.find("\r\n") + 2; line < end + 2;) {
        const size_t next = in.find("\r\n", line);
        const size_t colon = in.find(':', line);
        if (colon != std::string::npos && colon < next) {
            std::string name = in.substr(line, colon - line);
            for (char &ch : name)
                ch = char(tolower(static_cast<unsigned char>(ch)));
            const std::string value = in.substr(colon + 1, next - colon - 1);
            if (name == "content-length")
                length = strtoll(value.c_str(), nullptr, 10);
            else if (name == "transfer-encoding" && value.find("chunked") != std::string::npos)
                chunked = true;
        }
        line = next + 2;
    }
    size_t at = end + 4;
    body->clear();
    if (chunked) {
        for (;;) {
            const size_t nl = in.find("\r\n", at);
            if (nl == std::string::npos)
                return 0;
            const size_t size = size_t(strtoul(in.c_str() + at, nullptr, 16));
            at = nl + 2;
            if (size == 0) {
                // Trailers, up to an empty line.
                for (;;) {
                    const size_t t = in.find("\r\n", at);
                    if (t == std::string::npos)
                        return 0;
                    const bool last = t == at;
                    at = t + 2;
                    if (last)
                        break;
                }
                break;
            }
            if (in.size() < at + size + 2)
                return 0;
            body->append(in, at, size);
            at += size + 2;
        }
    } else {
        if (length < 0 || in.size() < at + size_t(length))
            return length < 0 ? -1 : 0;
        body->assign(in, at, size_t(length));
        at += size_t(length);
    }
    in.erase(0, at);
    return 1;
}

bool BatchAnswer::countsAgree() const
{
    int64_t accepted = 0;
    for (const BatchResult &r : results)
        accepted += r.accepted ? 1 : 0;
    const int64_t refused = int64_t(results.size()) - accepted;
    return (published < 0 || published == accepted) && (failed < 0 || failed == refused);
}

BatchAnswer parseBatchAnswer(std::string_view body)
{
    BatchAnswer answer;
    Scanner s(body);
    if (!s.take('{'))
        return answer;
    bool sawResults = false;
    if (!s.take('}')) {
        std::string key;
        do {
            if (!s.string(&key) || !s.take(':'))
                return BatchAnswer {};
            if (key == "results" && s.peek() == '[') {
                s.take('[');
                sawResults = true;
                if (!s.take(']')) {
                    do {
                        BatchResult result;
                        if (!parseResult(s, &result))
                            return BatchAnswer {};
                        answer.results.push_back(result);
                    } while (s.take(','));
                    if (!s.take(']'))
                        return BatchAnswer {};
                }
            } else if ((key == "published" || key == "failed") && s.peek() != '"') {
                int64_t n = 0;
                if (!s.number(&n))
                    return BatchAnswer {};
                (key == "published" ? answer.published : answer.failed) = n;
            } else if (!s.skipValue()) {
                return BatchAnswer {};
            }
        } while (s.take(','));
        if (!s.take('}'))
            return BatchAnswer {};
    }
    if (!s.atEnd())
        return BatchAnswer {};
    answer.valid = sawResults;
    if (!answer.valid)
        answer.results.clear();
    return answer;
}

} // namespace bench
