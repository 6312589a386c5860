#include "http/httpparser.h"

namespace ssehub::http {

namespace {

constexpr qsizetype MaxMethodBytes = 32;
constexpr int MaxLeadingEmptyLines = 4; // RFC 9112 2.2: ignore empty lines before a request

bool isTchar(char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
        return true;
    }
    return false;
}

// A field value may hold visible characters, obs-text, spaces and tabs; no other control byte.
bool isFieldValue(QByteArrayView value)
{
    for (const char c : value) {
        const auto u = static_cast<unsigned char>(c);
        if ((u < 0x20 && c != '\t') || u == 0x7f)
            return false;
    }
    return true;
}

bool isOws(char c)
{
    return c == ' ' || c == '\t';
}

QByteArrayView trimOws(QByteArrayView value)
{
    while (!value.isEmpty() && isOws(value.front()))
        value = value.sliced(1);
    while (!value.isEmpty() && isOws(value.back()))
        value.chop(1);
    return value;
}

// uri-host [ ":" port ]: a registered name, an IPv4 address or a bracketed IPv6 literal.
bool isHostValue(QByteArrayView host)
{
    if (host.isEmpty() || host.size() > 255)
        return false;
    qsizetype portStart = -1;
    if (host.front() == '[') {
        const qsizetype close = host.indexOf(']');
        if (close < 2)
            return false;
        for (const char c : host.sliced(1, close - 1)) {
            const bool hex
                = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
            if (!hex && c != ':' && c != '.')
                return false;
        }
        if (close + 1 == host.size())
            return true;
        if (host.at(close + 1) != ':')
            return false;
        portStart = close + 2;
    } else {
        const qsizetype colon = host.indexOf(':');
        const QByteArrayView name = colon < 0 ? host : host.first(colon);
        if (name.isEmpty())
            return false;
        for (const char c : name) {
            const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
            if (!ok)
                return false;
        }
        if (colon < 0)
            return true;
        portStart = colon + 1;
    }
    const QByteArrayView port = host.sliced(portStart);
    if (port.isEmpty() || port.size() > 5)
        return false;
    for (const char c : port) {
        if (c < '0' || c > '9')
            return false;
    }
    return true;
}

bool isTargetByte(char c)
{
    const auto u = static_cast<unsigned char>(c);
    return u > 0x20 && u < 0x7f;
}

bool equalsLower(QByteArrayView value, QByteArrayView lower)
{
    return value.compare(lower, Qt::CaseInsensitive) == 0;
}

} // namespace

bool isToken(QByteArrayView name)
{
    if (name.isEmpty())
        return false;
    for (const char c : name) {
        if (!isTchar(c))
            return false;
    }
    return true;
}

QByteArray RequestHead::value(QByteArrayView lowerName) const
{
    for (const auto &[name, value] : headers) {
        if (name == lowerName)
            return value.isNull() ? QByteArray("") : value;
    }
    return {};
}

Result parseRequestHead(QByteArrayView data, const Limits &limits, RequestHead *out,
                        qsizetype *consumed, Error *error)
{
    auto failed = [error](int status, const QString &message) {
        error->status = status;
        error->message = message;
        return Result::Failed;
    };
    *out = RequestHead();
    qsizetype pos = 0;
    int emptyLines = 0;
    bool haveRequestLine = false;
    bool seenLength = false;
    bool seenEncoding = false;
    int lines = 0;
    qsizetype headStart = 0;
    for (;;) {
        const qsizetype nl = data.indexOf('\n', pos);
        const qsizetype limitEnd = headStart + limits.maxHeadBytes;
        if (nl < 0 || nl >= limitEnd) {
            if (data.size() <= limitEnd)
                return Result::Incomplete;
            return haveRequestLine
                ? failed(
                    431,
                    QStringLiteral("request head is larger than %1 bytes").arg(limits.maxHeadBytes))
                : failed(414,
                         QStringLiteral("request line is longer than %1 bytes")
                             .arg(limits.maxHeadBytes));
        }
        if (nl == pos || data.at(nl - 1) != '\r')
            return failed(400, QStringLiteral("line ends with a bare LF (CRLF is required)"));
        const QByteArrayView line = data.sliced(pos, nl - 1 - pos);
        pos = nl + 1;
        if (line.contains('\r'))
            return failed(400, QStringLiteral("bare CR inside a line"));

        if (!haveRequestLine) {
            if (line.isEmpty()) {
                if (++emptyLines > MaxLeadingEmptyLines)
                    return failed(400, QStringLiteral("empty lines instead of a request"));
                headStart = pos;
                continue;
            }
            // method SP request-target SP HTTP-version, single spaces.
            const qsizetype sp1 = line.indexOf(' ');
            const qsizetype sp2 = sp1 < 0 ? -1 : line.indexOf(' ', sp1 + 1);
            if (sp1 <= 0 || sp2 < 0 || line.indexOf(' ', sp2 + 1) >= 0)
                return failed(400, QStringLiteral("malformed request line"));
            const QByteArrayView method = line.first(sp1);
            const QByteArrayView target = line.sliced(sp1 + 1, sp2 - sp1 - 1);
            const QByteArrayView version = line.sliced(sp2 + 1);
            if (!isToken(method) || method.size() > MaxMethodBytes)
                return failed(400, QStringLiteral("malformed method"));
            if (version == "HTTP/1.1") {
                out->minorVersion = 1;
            } else if (version == "HTTP/1.0") {
                out->minorVersion = 0;
            } else if (version.size() == 8 && version.startsWith("HTTP/") && version.at(6) == '.'
                       && version.at(5) >= '0' && version.at(5) <= '9' && version.at(7) >= '0'
                       && version.at(7) <= '9') {
                return failed(505, QStringLiteral("only HTTP/1.0 and HTTP/1.1 are supported"));
            } else {
                return failed(400, QStringLiteral("malformed HTTP version"));
            }
            if (target.isEmpty())
                return failed(400, QStringLiteral("empty request target"));
            for (const char c : target) {
                if (!isTargetByte(c))
                    return failed(400, QStringLiteral("invalid byte in the request target"));
            }
            if (target.contains('#'))
                return failed(400, QStringLiteral("a request target has no fragment"));
            out->method = method.toByteArray();
            out->target = target.toByteArray();
            QByteArrayView pathAndQuery;
            if (target.front() == '/') {
                pathAndQuery = target;
            } else if (target == "*") {
                if (method != "OPTIONS")
                    return failed(400, QStringLiteral("'*' is a target for OPTIONS only"));
                pathAndQuery = target;
            } else if (target.startsWith("http://") || target.startsWith("https://")
                       || target.startsWith("HTTP://") || target.startsWith("HTTPS://")) {
                // absolute-form: its authority stands for Host (RFC 9112 3.2.2).
                const qsizetype authorityStart = target.indexOf("//") + 2;
                qsizetype slash = target.indexOf('/', authorityStart);
                const qsizetype question = target.indexOf('?', authorityStart);
                if (slash < 0 || (question >= 0 && question < slash))
                    slash = -1;
                const QByteArrayView authority
                    = target.sliced(authorityStart,
                                    (slash < 0 ? (question < 0 ? target.size() : question) : slash)
                                        - authorityStart);
                if (!isHostValue(authority))
                    return failed(400, QStringLiteral("invalid authority in the request target"));
                out->host = authority.toByteArray();
                pathAndQuery = slash < 0 ? QByteArrayView("/") : target.sliced(slash);
                if (slash < 0 && question >= 0)
                    out->query = target.sliced(question + 1).toByteArray();
            } else {
                return failed(400, QStringLiteral("unsupported request target form"));
            }
            const qsizetype question = pathAndQuery.indexOf('?');
            if (question < 0) {
                out->path = pathAndQuery.toByteArray();
            } else {
                out->path = pathAndQuery.first(question).toByteArray();
                out->query = pathAndQuery.sliced(question + 1).toByteArray();
            }
            haveRequestLine = true;
            out->keepAlive = out->minorVersion == 1;
            continue;
        }

        if (line.isEmpty())
            break; // end of the head
        // A line that continues on the next one (obs-fold), refused before either is read.
        if (isOws(line.front()) || (pos < data.size() && isOws(data.at(pos))))
            return failed(400, QStringLiteral("obsolete line folding is not accepted"));
        if (++lines > limits.maxHeaderLines)
            return failed(431,
                          QStringLiteral("more than %1 header lines").arg(limits.maxHeaderLines));
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0 || !isToken(line.first(colon)))
            return failed(400, QStringLiteral("malformed header line"));
        const QByteArray name = line.first(colon).toByteArray().toLower();
        const QByteArrayView value = trimOws(line.sliced(colon + 1));
        if (!isFieldValue(value))
            return failed(
                400,
                QStringLiteral("control character in header %1").arg(QString::fromLatin1(name)));
        if (name == "content-length") {
            if (seenLength)
                return failed(400, QStringLiteral("Content-Length is repeated"));
            seenLength = true;
            if (value.isEmpty() || value.size() > 18)
                return failed(400, QStringLiteral("Content-Length is not a valid length"));
            qint64 length = 0;
            for (const char c : value) {
                if (c < '0' || c > '9')
                    return failed(400, QStringLiteral("Content-Length is not a valid length"));
                length = length * 10 + (c - '0');
            }
            out->contentLength = length;
        } else if (name == "transfer-encoding") {
            if (seenEncoding)
                return failed(400, QStringLiteral("Transfer-Encoding is repeated"));
            seenEncoding = true;
            if (equalsLower(value, "chunked")) {
                out->framing = BodyFraming::Chunked;
            } else {
                bool allChunked = true;
                for (const QByteArrayView coding : QByteArray(value.toByteArray()).split(',')) {
                    const QByteArrayView trimmed = trimOws(coding);
                    if (!isToken(trimmed))
                        return failed(400, QStringLiteral("malformed Transfer-Encoding"));
                    allChunked &= equalsLower(trimmed, "chunked");
                }
                if (allChunked)
                    return failed(400, QStringLiteral("Transfer-Encoding must be exactly chunked"));
                return failed(501,
                              QStringLiteral("Transfer-Encoding '%1' is not supported "
                                             "(only chunked)")
                                  .arg(QString::fromLatin1(value.toByteArray())));
            }
        } else if (name == "host") {
            if (!out->host.isNull() && out->target.front() == '/')
                return failed(400, QStringLiteral("Host is repeated"));
            if (!isHostValue(value))
                return failed(400, QStringLiteral("Host is not a valid host[:port]"));
            if (out->host.isNull())
                out->host = value.toByteArray();
            out->headers.append({name, value.toByteArray()});
            continue;
        } else if (name == "connection") {
            for (const QByteArrayView option : QByteArray(value.toByteArray()).split(',')) {
                const QByteArrayView trimmed = trimOws(option);
                if (equalsLower(trimmed, "close"))
                    out->keepAlive = false;
                else if (equalsLower(trimmed, "keep-alive") && out->minorVersion == 0)
                    out->keepAlive = true;
            }
        } else if (name == "expect") {
            if (!equalsLower(value, "100-continue"))
                return failed(417,
                              QStringLiteral("only the expectation 100-continue is supported"));
            out->expectContinue = true;
        }
        out->headers.append({name, value.toByteArray()});
    }
    if (!haveRequestLine)
        return Result::Incomplete;
    if (seenLength && seenEncoding)
        return failed(400, QStringLiteral("both Content-Length and Transfer-Encoding"));
    if (seenEncoding && out->minorVersion == 0)
        return failed(400, QStringLiteral("Transfer-Encoding in an HTTP/1.0 request"));
    if (out->minorVersion == 1 && out->host.isNull())
        return failed(400, QStringLiteral("an HTTP/1.1 request needs a Host header"));
    // A later Host header line than an absolute-form authority: counted above only once.
    int hosts = 0;
    for (const auto &header : std::as_const(out->headers))
        hosts += header.first == "host";
    if (hosts > 1)
        return failed(400, QStringLiteral("Host is repeated"));
    if (out->framing != BodyFraming::Chunked && out->contentLength > 0)
        out->framing = BodyFraming::Length;
    *consumed = pos;
    return Result::Complete;
}

ChunkedDecoder::ChunkedDecoder(qint64 maxBodyBytes)
    : m_maxBody(maxBodyBytes)
{
}

qsizetype ChunkedDecoder::fail(int status, const QString &message)
{
    m_state = State::Failed;
    m_error.status = status;
    m_error.message = message;
    return 0;
}

qsizetype ChunkedDecoder::feed(QByteArrayView data, QByteArray *body)
{
    qsizetype pos = 0;
    while (pos < data.size() && m_state != State::Done && m_state != State::Failed) {
        if (m_state == State::Data) {
            const qsizetype take = qsizetype(qMin<qint64>(m_remaining, data.size() - pos));
            body->append(data.sliced(pos, take));
            pos += take;
            m_remaining -= take;
            if (m_remaining == 0)
                m_state = State::DataEnd;
            continue;
        }
        // Size, DataEnd and Trailer read lines.
        const qsizetype nl = data.indexOf('\n', pos);
        const qsizetype end = nl < 0 ? data.size() : nl + 1;
        m_line.append(data.sliced(pos, end - pos));
        m_framingBytes += end - pos;
        pos = end;
        if (m_framingBytes > MaxFramingBytes)
            return fail(
                400, QStringLiteral("chunked framing larger than %1 bytes").arg(MaxFramingBytes));
        const qsizetype lineLimit = m_state == State::Trailer ? MaxTrailerBytes : MaxLineBytes;
        if (nl < 0) {
            if (m_line.size() > lineLimit)
                return fail(400, QStringLiteral("chunk line longer than %1 bytes").arg(lineLimit));
            continue; // wait for the rest of the line
        }
        if (m_line.size() < 2 || m_line.at(m_line.size() - 2) != '\r')
            return fail(400, QStringLiteral("chunk line ends with a bare LF"));
        const QByteArrayView line = QByteArrayView(m_line).first(m_line.size() - 2);
        if (line.contains('\r'))
            return fail(400, QStringLiteral("bare CR in chunk framing"));
        if (m_state == State::DataEnd) {
            if (!line.isEmpty())
                return fail(400, QStringLiteral("chunk data longer than its size"));
            m_state = State::Size;
        } else if (m_state == State::Size) {
            if (m_line.size() > lineLimit)
                return fail(400, QStringLiteral("chunk line longer than %1 bytes").arg(lineLimit));
            qsizetype digits = 0;
            qint64 size = 0;
            while (digits < line.size()) {
                const char c = line.at(digits);
                int v = -1;
                if (c >= '0' && c <= '9')
                    v = c - '0';
                else if (c >= 'a' && c <= 'f')
                    v = c - 'a' + 10;
                else if (c >= 'A' && c <= 'F')
                    v = c - 'A' + 10;
                if (v < 0)
                    break;
                if (++digits > 15)
                    return fail(400, QStringLiteral("chunk size too large"));
                size = size * 16 + v;
            }
            if (digits == 0)
                return fail(400, QStringLiteral("malformed chunk size"));
            // chunk-ext: *( BWS ";" BWS name [ BWS "=" BWS value ] ), read loosely but with no
            // control bytes (they are framing, never data).
            const QByteArrayView extension = trimOws(line.sliced(digits));
            if (!extension.isEmpty() && (extension.front() != ';' || !isFieldValue(extension)))
                return fail(400, QStringLiteral("malformed chunk extension"));
            if (size > m_maxBody - m_bodySize)
                return fail(
                    413,
                    QStringLiteral("body is larger than the limit of %1 bytes").arg(m_maxBody));
            m_bodySize += size;
            if (size == 0) {
                m_state = State::Trailer;
            } else {
                m_remaining = size;
                m_state = State::Data;
            }
        } else { // Trailer: field lines up to an empty line, then done; they are discarded.
            m_trailerBytes += m_line.size();
            if (m_trailerBytes > MaxTrailerBytes)
                return fail(
                    431,
                    QStringLiteral("trailer section larger than %1 bytes").arg(MaxTrailerBytes));
            if (line.isEmpty()) {
                m_state = State::Done;
            } else {
                const qsizetype colon = line.indexOf(':');
                if (isOws(line.front()) || colon <= 0 || !isToken(line.first(colon))
                    || !isFieldValue(line.sliced(colon + 1)))
                    return fail(400, QStringLiteral("malformed trailer line"));
            }
        }
        m_line.clear();
    }
    return pos;
}

// Query parameters as raw bytes. '+' stays '+' (it is the MQTT wildcard, not a space);
// percent escapes are decoded, so "%23" is '#'.
QList<QPair<QByteArray, QByteArray>> queryItems(const QByteArray &query)
{
    QList<QPair<QByteArray, QByteArray>> items;
    for (const QByteArray &part : query.split('&')) {
        if (part.isEmpty())
            continue;
        const qsizetype eq = part.indexOf('=');
        const QByteArray key = QByteArray::fromPercentEncoding(eq < 0 ? part : part.left(eq));
        const QByteArray value
            = eq < 0 ? QByteArray() : QByteArray::fromPercentEncoding(part.mid(eq + 1));
        items.append({key, value});
    }
    return items;
}

} // namespace ssehub::http
