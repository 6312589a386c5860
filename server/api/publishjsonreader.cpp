// The fast reader of POST /publish bodies (publishbatch.h). It walks the bytes once and writes
// the payload as QJsonDocument would read and write it back (qjsonparser.cpp and qjsonwriter.cpp
// of Qt 6, checked against Qt 6.4 by tst_publishbatch):
// - whitespace is space, tab, LF and CR only; a UTF-8 byte order mark is skipped when more than
//   3 bytes follow it; only an object or an array may be the whole document;
// - object keys come out sorted by code point and a key given twice keeps its last value;
// - an integer in qint64's range stays as written (but -0 is 0); any other number is read as
//   a double, which becomes an integer when it is a whole number in qint64's range and is
//   written with the fewest digits that read back the same (1.0 -> 1, 1e2 -> 100, 1.5E-7 ->
//   1.5e-07); a number a double cannot hold (1e400, 1e-400) is refused;
// - strings come out with \" \\ \b \f \n \r \t and \u00XX for the other control characters
//   (raw control characters are accepted in the input), everything else as UTF-8; invalid
//   UTF-8 is refused, noncharacters (U+FFFE) are kept;
// - 1024 levels of arrays and objects parse, 1025 do not.
// The fast reader answers NotSimple, and the reference decides, for anything else: the
// escapes Qt takes but JSON does not (\a is "a"), lone surrogates (\ud800, which Qt turns into
// "?" in a topic and "\ud800" in a payload), an escape in a key (Qt orders escaped keys by
// UTF-16, not by code point), numbers JSON does not allow (.5, 1.), more than MaxFastNesting
// levels, and every error, so that error messages are the reference's too.
#include "api/publishbatch.h"
#include "api/publishjsonreader_p.h"
#include "api/publishjsontext_p.h"

#include <QLocale>
#include <QVarLengthArray>

#include <algorithm>
#include <cmath>
#include <cstring>

namespace ssehub {

using publishjson::appendEscapedAscii;
using publishjson::appendUtf8;
using publishjson::compareBytes;
using publishjson::isSpace;
using publishjson::TextBuffer;
using publishjson::utf8SequenceLength;

namespace {

// Deeper documents go to the reference (which allows 1024 levels), so that the fast reader's
// recursion stays small on any thread's stack.
constexpr int MaxFastNesting = 64;

// The payload buffer a thread keeps between bodies, at most.
constexpr qsizetype MaxKeptBuffer = 64 * 1024;

// One pass over JSON text. Each read returns false for NotSimple (see the top of the file);
// the position is then meaningless.
class FastReader
{
public:
    FastReader(const char *begin, const char *end)
        : m_p(begin)
        , m_end(end)
    {
    }

    const char *pos() const { return m_p; }
    bool atEnd() const { return m_p == m_end; }

    void skipSpace()
    {
        while (m_p < m_end && isSpace(*m_p))
            ++m_p;
    }

    bool take(char c)
    {
        if (m_p == m_end || *m_p != c)
            return false;
        ++m_p;
        return true;
    }

    // A value, written compact as QJsonDocument writes it. depth: arrays and objects around it.
    bool readValue(TextBuffer &out, int depth)
    {
        if (m_p == m_end)
            return false;
        switch (*m_p) {
        case '{':
            ++m_p;
            return readObject(out, depth);
        case '[':
            ++m_p;
            return readArray(out, depth);
        case '"':
            ++m_p;
            out.append('"');
            if (!readString(nullptr, &out, true))
                return false;
            out.append('"');
            return true;
        case 't':
            return readWord("true", out);
        case 'f':
            return readWord("false", out);
        case 'n':
            return readWord("null", out);
        default:
            return readNumber(out);
        }
    }

    // The members of an event object, after its '{'.
    bool readEvent(PublishFields *fields, QByteArray *payload, int depth)
    {
        if (++depth > MaxFastNesting)
            return false;
        skipSpace();
        if (take('}'))
            return true;
        // Kept by the thread: a value is written into it, then copied once at its size.
        thread_local TextBuffer buffer;
        while (true) {
            if (!take('"'))
                return false;
            const char *keyBegin = m_p;
            if (!readString(nullptr, nullptr, false))
                return false;
            const QByteArrayView key(keyBegin, m_p - 1);
            skipSpace();
            if (!take(':'))
                return false;
            skipSpace();
            buffer.clear();
            // A key given twice: the last value counts, as in QJsonObject.
            if (key == "topic" || key == "type") {
                const bool isTopic = key == "topic";
                PublishFields::Kind &kind = isTopic ? fields->topicKind : fields->typeKind;
                QByteArray &text = isTopic ? fields->topic : fields->type;
                if (take('"')) {
                    if (!readString(&buffer, nullptr, true))
                        return false;
                    text = buffer.toByteArray();
                    kind = PublishFields::Kind::String;
                } else {
                    if (!readValue(buffer, depth))
                        return false;
                    kind = buffer.view() == "null" ? PublishFields::Kind::Null
                                                   : PublishFields::Kind::Other;
                }
            } else if (key == "payload") {
                if (!readValue(buffer, depth))
                    return false;
                *payload = buffer.toByteArray();
                fields->hasPayload = true;
            } else if (!readValue(buffer, depth)) {
                return false;
            }
            buffer.release(MaxKeptBuffer);
            skipSpace();
            if (take(',')) {
                skipSpace();
                continue;
            }
            return take('}');
        }
    }

private:
    // A string after its opening quote, up to and with its closing quote: decoded to UTF-8
    // into *decoded and/or as QJsonDocument writes it (without quotes) into *escaped.
    bool readString(TextBuffer *decoded, TextBuffer *escaped, bool allowEscapes)
    {
        while (true) {
            const char *run = m_p;
            while (m_p < m_end) {
                const auto c = uchar(*m_p);
                if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
                    ++m_p;
                } else if (c >= 0x80) {
                    const qsizetype length = utf8SequenceLength(m_p, m_end);
                    if (length == 0)
                        return false;
                    // U+FEFF: Qt's decoder drops it at the start of a string (as a byte
                    // order mark); the reference decides every string that holds one.
                    if (length == 3 && c == 0xEF && uchar(m_p[1]) == 0xBB && uchar(m_p[2]) == 0xBF)
                        return false;
                    m_p += length;
                } else {
                    break;
                }
            }
            if (decoded)
                decoded->append(run, m_p - run);
            if (escaped)
                escaped->append(run, m_p - run);
            if (m_p == m_end)
                return false;
            const auto c = uchar(*m_p++);
            if (c == '"')
                return true;
            char32_t cp = c; // a raw control character: Qt takes it
            if (c == '\\' && (!allowEscapes || !readEscape(&cp)))
                return false;
            if (decoded)
                appendUtf8(*decoded, cp);
            if (escaped) {
                if (cp < 0x80)
                    appendEscapedAscii(*escaped, uchar(cp));
                else
                    appendUtf8(*escaped, cp);
            }
        }
    }

    bool readHex4(char32_t *value)
    {
        if (m_end - m_p < 4)
            return false;
        char32_t v = 0;
        for (int i = 0; i < 4; ++i) {
            const char c = *m_p++;
            v <<= 4;
            if (c >= '0' && c <= '9')
                v |= char32_t(c - '0');
            else if (c >= 'a' && c <= 'f')
                v |= char32_t(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F')
                v |= char32_t(c - 'A' + 10);
            else
                return false;
        }
        *value = v;
        return true;
    }

    // An escape after its backslash: the escapes of RFC 8259 and a surrogate pair; not Qt's
    // other ones, not a lone surrogate.
    bool readEscape(char32_t *cp)
    {
        if (m_p == m_end)
            return false;
        switch (*m_p++) {
        case '"':
            *cp = '"';
            return true;
        case '\\':
            *cp = '\\';
            return true;
        case '/':
            *cp = '/';
            return true;
        case 'b':
            *cp = '\b';
            return true;
        case 'f':
            *cp = '\f';
            return true;
        case 'n':
            *cp = '\n';
            return true;
        case 'r':
            *cp = '\r';
            return true;
        case 't':
            *cp = '\t';
            return true;
        case 'u':
            break;
        default:
            return false;
        }
        char32_t unit = 0;
        if (!readHex4(&unit))
            return false;
        if (unit >= 0xdc00 && unit <= 0xdfff)
            return false;
        if (unit >= 0xd800 && unit <= 0xdbff) {
            char32_t low = 0;
            if (!take('\\') || !take('u') || !readHex4(&low) || low < 0xdc00 || low > 0xdfff)
                return false;
            unit = 0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00);
        }
        *cp = unit;
        return true;
    }

    bool readWord(QByteArrayView word, TextBuffer &out)
    {
        if (m_end - m_p < word.size() || QByteArrayView(m_p, word.size()) != word)
            return false;
        m_p += word.size();
        out.append(word);
        return true;
    }

    bool isDigit() const { return m_p < m_end && *m_p >= '0' && *m_p <= '9'; }

    bool readNumber(TextBuffer &out)
    {
        const char *begin = m_p;
        take('-');
        if (take('0')) {
        } else if (isDigit()) {
            while (isDigit())
                ++m_p;
        } else {
            return false;
        }
        const qsizetype integerLength = m_p - begin;
        bool integral = true;
        if (take('.')) {
            integral = false;
            if (!isDigit())
                return false;
            while (isDigit())
                ++m_p;
        }
        if (take('e') || take('E')) {
            integral = false;
            if (!take('+'))
                take('-');
            if (!isDigit())
                return false;
            while (isDigit())
                ++m_p;
        }
        // 18 digits always fit in a qint64, written back as they are.
        if (integral && integerLength <= 18) {
            if (m_p - begin == 2 && begin[0] == '-' && begin[1] == '0')
                out.append('0');
            else
                out.append(begin, m_p - begin);
            return true;
        }
        const QByteArray text = QByteArray::fromRawData(begin, m_p - begin);
        bool ok = false;
        if (integral) {
            const qlonglong n = text.toLongLong(&ok);
            if (ok) {
                out.append(QByteArray::number(n));
                return true;
            }
        }
        const double d = text.toDouble(&ok);
        if (!ok)
            return false;
        // 2^63 is exact as a double; a whole number below it is an integer to QJsonDocument.
        if (d >= -9223372036854775808.0 && d < 9223372036854775808.0 && std::trunc(d) == d)
            out.append(QByteArray::number(qint64(d)));
        else if (std::isfinite(d))
            out.append(QByteArray::number(d, 'g', QLocale::FloatingPointShortest));
        else
            out.append(QByteArrayView("null"));
        return true;
    }

    struct Member
    {
        QByteArrayView key; // as it is in the input: a key has no escapes here
        qsizetype begin; // "key":value in out
        qsizetype end;
    };

    bool readObject(TextBuffer &out, int depth)
    {
        if (++depth > MaxFastNesting)
            return false;
        out.append('{');
        const qsizetype contentBegin = out.size();
        skipSpace();
        if (take('}')) {
            out.append('}');
            return true;
        }
        QVarLengthArray<Member, 8> members;
        bool sorted = true;
        while (true) {
            if (!take('"'))
                return false;
            const qsizetype begin = out.size();
            const char *keyBegin = m_p;
            out.append('"');
            if (!readString(nullptr, &out, false))
                return false;
            out.append("\":", 2);
            const QByteArrayView key(keyBegin, m_p - 1);
            skipSpace();
            if (!take(':'))
                return false;
            skipSpace();
            if (!readValue(out, depth))
                return false;
            if (!members.isEmpty() && compareBytes(members.back().key, key) >= 0)
                sorted = false;
            members.append({key, begin, out.size()});
            skipSpace();
            if (take(',')) {
                out.append(',');
                skipSpace();
                continue;
            }
            if (!take('}'))
                return false;
            break;
        }
        if (!sorted)
            sortMembers(out, contentBegin, members);
        out.append('}');
        return true;
    }

    // As QJsonObject: members sorted by key (UTF-8 byte order is code point order), the last
    // of equal keys kept.
    static void sortMembers(TextBuffer &out, qsizetype contentBegin,
                            const QVarLengthArray<Member, 8> &members)
    {
        QVarLengthArray<char, 1024> content;
        content.append(out.view().data() + contentBegin, out.size() - contentBegin);
        // Insertion sort, stable: objects are small, and std::stable_sort allocates.
        QVarLengthArray<qsizetype, 8> order;
        for (qsizetype i = 0; i < members.size(); ++i) {
            qsizetype at = order.size();
            order.append(i);
            for (; at > 0 && compareBytes(members[order[at - 1]].key, members[i].key) > 0; --at)
                order[at] = order[at - 1];
            order[at] = i;
        }
        out.truncate(contentBegin);
        bool first = true;
        for (qsizetype i = 0; i < order.size(); ++i) {
            const Member &member = members[order[i]];
            if (i + 1 < order.size() && members[order[i + 1]].key == member.key)
                continue;
            if (!first)
                out.append(',');
            first = false;
            out.append(content.constData() + (member.begin - contentBegin),
                       member.end - member.begin);
        }
    }

    bool readArray(TextBuffer &out, int depth)
    {
        if (++depth > MaxFastNesting)
            return false;
        out.append('[');
        skipSpace();
        if (take(']')) {
            out.append(']');
            return true;
        }
        while (true) {
            if (!readValue(out, depth))
                return false;
            skipSpace();
            if (take(',')) {
                out.append(',');
                skipSpace();
                continue;
            }
            if (!take(']'))
                return false;
            out.append(']');
            return true;
        }
    }

    const char *m_p;
    const char *m_end;
};

} // namespace

namespace publishjson {

const char *skipByteOrderMark(const char *begin, const char *end)
{
    if (end - begin > 3 && uchar(begin[0]) == 0xef && uchar(begin[1]) == 0xbb
        && uchar(begin[2]) == 0xbf)
        return begin + 3;
    return begin;
}

void appendString(QByteArray &out, QByteArrayView utf8)
{
    out.append('"');
    for (const char c : utf8) {
        if (uchar(c) >= 0x80)
            out += c;
        else
            appendEscapedAscii(out, uchar(c));
    }
    out.append('"');
}

bool readEvent(const char **p, const char *end, int depth, PublishFields *fields,
               QByteArray *payload)
{
    FastReader reader(*p, end);
    const bool read = reader.readEvent(fields, payload, depth);
    *p = reader.pos();
    return read;
}

bool readValue(const char **p, const char *end, int depth, QByteArray &out)
{
    FastReader reader(*p, end);
    TextBuffer buffer;
    const bool read = reader.readValue(buffer, depth);
    out.append(buffer.view());
    *p = reader.pos();
    return read;
}

} // namespace publishjson

FastParse parsePublishJsonFast(QByteArrayView body, PublishRequest *out, QString *error)
{
    FastReader reader(publishjson::skipByteOrderMark(body.begin(), body.end()), body.end());
    reader.skipSpace();
    if (!reader.take('{'))
        return FastParse::NotSimple;
    PublishFields fields;
    QByteArray payload;
    if (!reader.readEvent(&fields, &payload, 0))
        return FastParse::NotSimple;
    reader.skipSpace();
    if (!reader.atEnd())
        return FastParse::NotSimple;
    PublishRequest publish;
    if (QString rule = checkPublishFields(fields, &publish); !rule.isEmpty()) {
        *error = std::move(rule);
        return FastParse::Decided;
    }
    publish.payloadJson = std::move(payload);
    *out = std::move(publish);
    error->clear();
    return FastParse::Decided;
}

} // namespace ssehub
