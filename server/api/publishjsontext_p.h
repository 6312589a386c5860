#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <algorithm>
#include <cstring>

// What the fast reader of publish bodies (publishjsonreader.cpp) writes with: a growing byte
// buffer, and JSON text as QJsonDocument writes it (qjsonwriter.cpp of Qt 6): escapes, UTF-8.
namespace ssehub::publishjson {

// Bytes being written: a QByteArray written through a pointer and grown by doubling (a
// QByteArray append costs more than the byte it appends). Kept by a thread, it is reused.
class TextBuffer
{
public:
    qsizetype size() const { return m_size; }
    QByteArrayView view() const { return {m_bytes.constData(), m_size}; }
    QByteArray toByteArray() const { return QByteArray(m_bytes.constData(), m_size); }
    void clear() { m_size = 0; }
    void truncate(qsizetype size) { m_size = size; }

    // Frees a buffer grown larger than a thread should keep.
    void release(qsizetype keep)
    {
        if (m_bytes.size() > keep) {
            m_bytes = QByteArray();
            m_begin = nullptr;
            m_size = 0;
        }
    }

    void append(char c)
    {
        grow(1);
        m_begin[m_size++] = c;
    }

    void append(const char *bytes, qsizetype count)
    {
        if (count == 0)
            return;
        grow(count);
        std::memcpy(m_begin + m_size, bytes, size_t(count));
        m_size += count;
    }

    void append(QByteArrayView bytes) { append(bytes.data(), bytes.size()); }

private:
    void grow(qsizetype count)
    {
        if (m_size + count <= m_bytes.size())
            return;
        m_bytes.resize(std::max(2 * m_bytes.size(), m_size + count + 256));
        m_begin = m_bytes.data();
    }

    QByteArray m_bytes;
    char *m_begin = nullptr;
    qsizetype m_size = 0;
};

inline char hexDigit(uint value)
{
    return char(value < 10 ? '0' + value : 'a' + value - 10);
}

// An ASCII character as QJsonDocument writes it inside a string (qjsonwriter.cpp).
template<typename Out> void appendEscapedAscii(Out &out, uchar c)
{
    switch (c) {
    case '"':
        out.append("\\\"", 2);
        return;
    case '\\':
        out.append("\\\\", 2);
        return;
    case '\b':
        out.append("\\b", 2);
        return;
    case '\f':
        out.append("\\f", 2);
        return;
    case '\n':
        out.append("\\n", 2);
        return;
    case '\r':
        out.append("\\r", 2);
        return;
    case '\t':
        out.append("\\t", 2);
        return;
    default:
        if (c < 0x20) {
            const char escape[6] = {'\\', 'u', '0', '0', hexDigit(c >> 4), hexDigit(c & 0xf)};
            out.append(escape, 6);
        } else {
            out.append(char(c));
        }
    }
}

template<typename Out> void appendUtf8(Out &out, char32_t cp)
{
    if (cp < 0x80) {
        out.append(char(cp));
    } else if (cp < 0x800) {
        const char bytes[2] = {char(0xc0 | (cp >> 6)), char(0x80 | (cp & 0x3f))};
        out.append(bytes, 2);
    } else if (cp < 0x10000) {
        const char bytes[3]
            = {char(0xe0 | (cp >> 12)), char(0x80 | ((cp >> 6) & 0x3f)), char(0x80 | (cp & 0x3f))};
        out.append(bytes, 3);
    } else {
        const char bytes[4] = {char(0xf0 | (cp >> 18)), char(0x80 | ((cp >> 12) & 0x3f)),
                               char(0x80 | ((cp >> 6) & 0x3f)), char(0x80 | (cp & 0x3f))};
        out.append(bytes, 4);
    }
}

// The length of the UTF-8 sequence at p (its first byte is not ASCII), 0 when it is invalid:
// overlong, a surrogate, above U+10FFFF or cut short.
inline qsizetype utf8SequenceLength(const char *p, const char *end)
{
    const auto lead = uchar(p[0]);
    const auto inRange = [&](qsizetype i, uchar low, uchar high) {
        return p + i < end && uchar(p[i]) >= low && uchar(p[i]) <= high;
    };
    if (lead < 0xc2)
        return 0;
    if (lead < 0xe0)
        return inRange(1, 0x80, 0xbf) ? 2 : 0;
    if (lead < 0xf0) {
        const uchar low = lead == 0xe0 ? 0xa0 : 0x80;
        const uchar high = lead == 0xed ? 0x9f : 0xbf;
        return inRange(1, low, high) && inRange(2, 0x80, 0xbf) ? 3 : 0;
    }
    if (lead < 0xf5) {
        const uchar low = lead == 0xf0 ? 0x90 : 0x80;
        const uchar high = lead == 0xf4 ? 0x8f : 0xbf;
        return inRange(1, low, high) && inRange(2, 0x80, 0xbf) && inRange(3, 0x80, 0xbf) ? 4 : 0;
    }
    return 0;
}

inline int compareBytes(QByteArrayView a, QByteArrayView b)
{
    const int c = std::memcmp(a.data(), b.data(), size_t(std::min(a.size(), b.size())));
    if (c != 0)
        return c;
    return a.size() < b.size() ? -1 : (a.size() > b.size() ? 1 : 0);
}

} // namespace ssehub::publishjson
