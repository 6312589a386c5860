#include "auth/jose.h"

#include <QVarLengthArray>

#include <algorithm>
#include <array>
#include <cmath>

namespace ssehub::jose {

namespace {

constexpr char Alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// The 6-bit value of each base64url character; -1 for every other byte.
constexpr std::array<qint8, 256> decodeTable()
{
    std::array<qint8, 256> table {};
    for (auto &v : table)
        v = -1;
    for (int i = 0; i < 64; ++i)
        table[uchar(Alphabet[i])] = qint8(i);
    return table;
}
constexpr std::array<qint8, 256> DecodeTable = decodeTable();

// Objects with more members than this are checked for repeated names by sorting, not pairwise.
constexpr qsizetype PairwiseNames = 16;

class Reader
{
public:
    Reader(const char *begin, const char *end)
        : m_p(begin)
        , m_end(end)
    {
    }

    bool atEnd()
    {
        skipSpace();
        return m_p == m_end;
    }
    const QString &error() const { return m_error; }

    bool readValue(Value *out, int depth)
    {
        skipSpace();
        if (m_p == m_end)
            return fail(QStringLiteral("unexpected end of the text"));
        switch (*m_p) {
        case '{':
            return readObject(out, depth + 1);
        case '[':
            return readArray(out, depth + 1);
        case '"':
            out->kind = Value::Kind::String;
            return readString(&out->string);
        case 't':
            out->kind = Value::Kind::Bool;
            out->boolean = true;
            return readWord("true");
        case 'f':
            out->kind = Value::Kind::Bool;
            return readWord("false");
        case 'n':
            out->kind = Value::Kind::Null;
            return readWord("null");
        default:
            out->kind = Value::Kind::Number;
            return readNumber(&out->number);
        }
    }

private:
    bool fail(const QString &why)
    {
        if (m_error.isEmpty())
            m_error = why;
        return false;
    }

    void skipSpace()
    {
        while (m_p < m_end && (*m_p == ' ' || *m_p == '\t' || *m_p == '\n' || *m_p == '\r'))
            ++m_p;
    }

    bool take(char c)
    {
        skipSpace();
        if (m_p == m_end || *m_p != c)
            return false;
        ++m_p;
        return true;
    }

    bool readWord(QByteArrayView word)
    {
        if (m_end - m_p < word.size() || QByteArrayView(m_p, word.size()) != word)
            return fail(QStringLiteral("invalid value"));
        m_p += word.size();
        return true;
    }

    bool readNumber(double *out)
    {
        const char *begin = m_p;
        const auto digits = [&] {
            const char *start = m_p;
            while (m_p < m_end && *m_p >= '0' && *m_p <= '9')
                ++m_p;
            return m_p > start;
        };
        if (m_p < m_end && *m_p == '-')
            ++m_p;
        if (m_p < m_end && *m_p == '0')
            ++m_p;
        else if (!digits())
            return fail(QStringLiteral("invalid value"));
        if (m_p < m_end && *m_p == '.') {
            ++m_p;
            if (!digits())
                return fail(QStringLiteral("invalid number"));
        }
        if (m_p < m_end && (*m_p == 'e' || *m_p == 'E')) {
            ++m_p;
            if (m_p < m_end && (*m_p == '+' || *m_p == '-'))
                ++m_p;
            if (!digits())
                return fail(QStringLiteral("invalid number"));
        }
        bool ok = false;
        *out = QByteArrayView(begin, m_p - begin).toDouble(&ok);
        if (!ok || !std::isfinite(*out))
            return fail(QStringLiteral("a number out of range"));
        return true;
    }

    bool readHex4(char32_t *value)
    {
        if (m_end - m_p < 4)
            return fail(QStringLiteral("invalid escape"));
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
                return fail(QStringLiteral("invalid escape"));
        }
        *value = v;
        return true;
    }

    static void appendUtf8(QByteArray *out, char32_t cp)
    {
        if (cp < 0x80) {
            out->append(char(cp));
        } else if (cp < 0x800) {
            out->append(char(0xc0 | (cp >> 6)));
            out->append(char(0x80 | (cp & 0x3f)));
        } else if (cp < 0x10000) {
            out->append(char(0xe0 | (cp >> 12)));
            out->append(char(0x80 | ((cp >> 6) & 0x3f)));
            out->append(char(0x80 | (cp & 0x3f)));
        } else {
            out->append(char(0xf0 | (cp >> 18)));
            out->append(char(0x80 | ((cp >> 12) & 0x3f)));
            out->append(char(0x80 | ((cp >> 6) & 0x3f)));
            out->append(char(0x80 | (cp & 0x3f)));
        }
    }

    // A string from its opening quote, decoded. The document's UTF-8 was checked as a whole.
    bool readString(QByteArray *out)
    {
        ++m_p; // the quote
        out->clear();
        while (true) {
            const char *run = m_p;
            while (m_p < m_end && *m_p != '"' && *m_p != '\\' && uchar(*m_p) >= 0x20)
                ++m_p;
            out->append(run, m_p - run);
            if (m_p == m_end)
                return fail(QStringLiteral("unterminated string"));
            const char c = *m_p++;
            if (c == '"')
                return true;
            if (c != '\\')
                return fail(QStringLiteral("a control character in a string"));
            if (m_p == m_end)
                return fail(QStringLiteral("unterminated string"));
            char32_t cp = 0;
            switch (*m_p++) {
            case '"':
                cp = '"';
                break;
            case '\\':
                cp = '\\';
                break;
            case '/':
                cp = '/';
                break;
            case 'b':
                cp = '\b';
                break;
            case 'f':
                cp = '\f';
                break;
            case 'n':
                cp = '\n';
                break;
            case 'r':
                cp = '\r';
                break;
            case 't':
                cp = '\t';
                break;
            case 'u': {
                if (!readHex4(&cp))
                    return false;
                if (cp >= 0xdc00 && cp <= 0xdfff)
                    return fail(QStringLiteral("a lone surrogate in a string"));
                if (cp >= 0xd800 && cp <= 0xdbff) {
                    char32_t low = 0;
                    if (m_end - m_p < 2 || m_p[0] != '\\' || m_p[1] != 'u')
                        return fail(QStringLiteral("a lone surrogate in a string"));
                    m_p += 2;
                    if (!readHex4(&low))
                        return false;
                    if (low < 0xdc00 || low > 0xdfff)
                        return fail(QStringLiteral("a lone surrogate in a string"));
                    cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
                }
                break;
            }
            default:
                return fail(QStringLiteral("invalid escape"));
            }
            appendUtf8(out, cp);
        }
    }

    bool readArray(Value *out, int depth)
    {
        if (depth > MaxDepth)
            return fail(QStringLiteral("nested deeper than %1 levels").arg(MaxDepth));
        ++m_p;
        out->kind = Value::Kind::Array;
        if (take(']'))
            return true;
        do {
            out->items.emplace_back();
            if (!readValue(&out->items.back(), depth))
                return false;
        } while (take(','));
        return take(']') || fail(QStringLiteral("expected ',' or ']'"));
    }

    bool readObject(Value *out, int depth)
    {
        if (depth > MaxDepth)
            return fail(QStringLiteral("nested deeper than %1 levels").arg(MaxDepth));
        ++m_p;
        out->kind = Value::Kind::Object;
        if (take('}'))
            return true;
        do {
            skipSpace();
            if (m_p == m_end || *m_p != '"')
                return fail(QStringLiteral("expected a member name"));
            out->members.emplace_back();
            auto &member = out->members.back();
            if (!readString(&member.first))
                return false;
            if (!take(':'))
                return fail(QStringLiteral("expected ':'"));
            if (!readValue(&member.second, depth))
                return false;
        } while (take(','));
        if (!take('}'))
            return fail(QStringLiteral("expected ',' or '}'"));
        return namesUnique(out->members) || fail(QStringLiteral("a member name appears twice"));
    }

    static bool namesUnique(const QList<std::pair<QByteArray, Value>> &members)
    {
        if (members.size() <= PairwiseNames) {
            for (qsizetype i = 1; i < members.size(); ++i) {
                for (qsizetype j = 0; j < i; ++j) {
                    if (members.at(i).first == members.at(j).first)
                        return false;
                }
            }
            return true;
        }
        QVarLengthArray<QByteArrayView, 64> names;
        for (const auto &member : members)
            names.append(member.first);
        std::sort(names.begin(), names.end());
        return std::adjacent_find(names.begin(), names.end()) == names.end();
    }

    const char *m_p;
    const char *m_end;
    QString m_error;
};

} // namespace

bool base64UrlDecode(QByteArrayView text, QByteArray *out)
{
    // A length of 4n+1 cannot occur: one character carries only 6 of a byte's 8 bits.
    if (text.size() % 4 == 1)
        return false;
    QByteArray bytes(text.size() * 3 / 4, Qt::Uninitialized);
    char *o = bytes.data();
    quint32 bits = 0;
    int count = 0;
    for (const char c : text) {
        const qint8 v = DecodeTable[uchar(c)];
        if (v < 0)
            return false; // padding, '+', '/' and anything else: not base64url as JWT uses it
        bits = (bits << 6) | quint32(v);
        if (++count == 4) {
            *o++ = char(bits >> 16);
            *o++ = char(bits >> 8);
            *o++ = char(bits);
            bits = 0;
            count = 0;
        }
    }
    // The unused low bits of the last character must be zero (canonical).
    if (count == 2) {
        if (bits & 0xf)
            return false;
        *o++ = char(bits >> 4);
    } else if (count == 3) {
        if (bits & 0x3)
            return false;
        *o++ = char(bits >> 10);
        *o++ = char(bits >> 2);
    }
    Q_ASSERT(o == bytes.constData() + bytes.size());
    *out = std::move(bytes);
    return true;
}

QByteArray base64UrlEncode(QByteArrayView bytes)
{
    return bytes.toByteArray().toBase64(QByteArray::Base64UrlEncoding
                                        | QByteArray::OmitTrailingEquals);
}

const Value *Value::member(QByteArrayView name) const
{
    for (const auto &[key, value] : members) {
        if (key == name)
            return &value;
    }
    return nullptr;
}

bool Value::isStringArray() const
{
    return kind == Kind::Array
        && std::all_of(items.cbegin(), items.cend(), [](const Value &v) { return v.isString(); });
}

bool parseObject(QByteArrayView json, Value *out, QString *error)
{
    *out = Value();
    if (!json.isValidUtf8()) {
        *error = QStringLiteral("not valid UTF-8");
        return false;
    }
    Reader reader(json.data(), json.data() + json.size());
    const char *first = json.data();
    const char *end = first + json.size();
    while (first < end && (*first == ' ' || *first == '\t' || *first == '\n' || *first == '\r'))
        ++first;
    if (first == end || *first != '{') {
        *error = QStringLiteral("not a JSON object");
        return false;
    }
    if (!reader.readValue(out, 0)) {
        *error = reader.error();
        return false;
    }
    if (!reader.atEnd()) {
        *error = QStringLiteral("text after the object");
        return false;
    }
    return true;
}

} // namespace ssehub::jose
