#pragma once

// A one-pass JSON reader that drives an nlohmann-style SAX handler (null, boolean, number_integer,
// number_unsigned, number_float, string, key, start_object, end_object, start_array, end_array)
// straight from the bytes, written from the grammar of RFC 8259. It accepts exactly what
// nlohmann::json::sax_parse accepts in its default (strict, no comments) mode and reports the same
// values: a leading UTF-8 BOM, whitespace of space, tab, CR and LF only, well-formed UTF-8 inside
// strings (no overlongs, surrogates or code points past U+10FFFF), control characters refused,
// \u escapes with surrogate pairs (a lone surrogate refused), integers as unsigned when positive and
// signed when negative, falling back to a double when they overflow 64 bits, and nothing after
// the value but whitespace (or a NUL byte, which nlohmann takes for the end of the input).
//
// It never explains a refusal: readJsonSax() returns false for anything it does not accept, for a
// number it cannot convert with certainty (a double out of range) and whenever the handler returns
// false. The caller then runs nlohmann's parser, whose diagnostics are the ones users see; only
// documents it accepts go through here alone.
//
// Strings are handed over as std::string_view: into the document itself when a string holds no
// escape, into a scratch buffer when it does (valid until the next call).

#include <QByteArrayView>

#include <array>
#include <bit>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <system_error>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace Elevate::Json {

namespace Detail {

// 0: a byte that stands for itself inside a string (printable ASCII but the quote and the
// backslash); 1: the quote or the backslash; 2: a control character; 3: a byte >= 0x80.
inline constexpr std::array<std::uint8_t, 256> StringClass = [] {
    std::array<std::uint8_t, 256> t{};
    for (int c = 0; c < 256; ++c) {
        t[c] = c < 0x20 ? 2 : c >= 0x80 ? 3 : (c == '"' || c == '\\') ? 1 : 0;
    }
    return t;
}();

inline bool isSpace(unsigned char c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

inline bool isDigit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

inline int hexValue(unsigned char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

template <typename Sax>
class Reader
{
public:
    Reader(const unsigned char* begin, const unsigned char* end, Sax& sax) : m_p(begin), m_end(end), m_sax(sax) {}

    bool run()
    {
        if (m_p != m_end && *m_p == 0xEF) {
            // A BOM, and only a whole one, before anything else (whitespace included).
            if (m_end - m_p < 3 || m_p[1] != 0xBB || m_p[2] != 0xBF) {
                return false;
            }
            m_p += 3;
        }
        constexpr std::size_t unknownSize = static_cast<std::size_t>(-1);
        for (;;) {
            // A value is expected.
            skipSpace();
            if (m_p == m_end) {
                return false;
            }
            switch (*m_p) {
            case '{':
                ++m_p;
                if (!m_sax.start_object(unknownSize)) {
                    return false;
                }
                skipSpace();
                if (m_p != m_end && *m_p == '}') {
                    ++m_p;
                    if (!m_sax.end_object()) {
                        return false;
                    }
                    break;
                }
                m_open.push_back('{');
                if (!member()) {
                    return false;
                }
                continue;
            case '[':
                ++m_p;
                if (!m_sax.start_array(unknownSize)) {
                    return false;
                }
                skipSpace();
                if (m_p != m_end && *m_p == ']') {
                    ++m_p;
                    if (!m_sax.end_array()) {
                        return false;
                    }
                    break;
                }
                m_open.push_back('[');
                continue;
            case '"': {
                ++m_p;
                std::string_view s;
                if (!string(s) || !m_sax.string(s)) {
                    return false;
                }
                break;
            }
            case 't':
                if (!literal("true") || !m_sax.boolean(true)) {
                    return false;
                }
                break;
            case 'f':
                if (!literal("false") || !m_sax.boolean(false)) {
                    return false;
                }
                break;
            case 'n':
                if (!literal("null") || !m_sax.null()) {
                    return false;
                }
                break;
            default:
                if (!number()) {
                    return false;
                }
                break;
            }
            // A value has ended: close what it ends, up to the next value.
            if (!afterValue()) {
                return false;
            }
            if (m_open.empty()) {
                // nlohmann reads a NUL byte where a token may start as the end of the input:
                // whatever follows it is not looked at.
                skipSpace();
                return m_p == m_end || *m_p == '\0';
            }
        }
    }

private:
    void skipSpace()
    {
        while (m_p != m_end && isSpace(*m_p)) {
            ++m_p;
        }
    }

    // After a value: closes the containers it ends; true when positioned before the next value
    // (after a comma in an array, after the colon of the next member) or at the end of the root.
    bool afterValue()
    {
        while (!m_open.empty()) {
            skipSpace();
            if (m_p == m_end) {
                return false;
            }
            const unsigned char c = *m_p++;
            if (c == ',') {
                return m_open.back() == '[' || member();
            }
            if (c == (m_open.back() == '{' ? '}' : ']')) {
                m_open.pop_back();
                if (!(c == '}' ? m_sax.end_object() : m_sax.end_array())) {
                    return false;
                }
                continue;
            }
            return false;
        }
        return true;
    }

    // A member's name and its colon.
    bool member()
    {
        skipSpace();
        if (m_p == m_end || *m_p != '"') {
            return false;
        }
        ++m_p;
        std::string_view name;
        if (!string(name) || !m_sax.key(name)) {
            return false;
        }
        skipSpace();
        if (m_p == m_end || *m_p != ':') {
            return false;
        }
        ++m_p;
        return true;
    }

    bool literal(std::string_view word)
    {
        if (static_cast<std::size_t>(m_end - m_p) < word.size()
            || std::string_view(reinterpret_cast<const char*>(m_p), word.size()) != word) {
            return false;
        }
        m_p += word.size();
        return true;
    }

    // After the opening quote: the string up to its closing quote, which is consumed.
    bool string(std::string_view& out)
    {
        const unsigned char* start = m_p;
        const unsigned char* run = m_p; // the unescaped bytes not yet copied to m_scratch
        bool escaped = false;
        for (;;) {
            // Plain ASCII, the common case: sixteen or eight bytes at a time while none is
            // special, then a byte at a time through one table lookup.
#if defined(__SSE2__)
            while (m_end - m_p >= 16) {
                const unsigned special = specialBytes16(m_p);
                if (special != 0) {
                    m_p += std::countr_zero(special);
                    break;
                }
                m_p += 16;
            }
#endif
            while (m_end - m_p >= 8) {
                const std::uint64_t special = specialBytes(m_p);
                if (special != 0) {
                    m_p += std::countr_zero(special) / 8;
                    break;
                }
                m_p += 8;
            }
            while (m_p != m_end && StringClass[*m_p] == 0) {
                ++m_p;
            }
            if (m_p == m_end) {
                return false;
            }
            const unsigned char c = *m_p;
            if (c == '"') {
                if (escaped) {
                    m_scratch.append(reinterpret_cast<const char*>(run), static_cast<std::size_t>(m_p - run));
                    out = m_scratch;
                } else {
                    out = std::string_view(reinterpret_cast<const char*>(start), static_cast<std::size_t>(m_p - start));
                }
                ++m_p;
                return true;
            }
            if (c == '\\') {
                if (!escaped) {
                    m_scratch.clear();
                    escaped = true;
                }
                m_scratch.append(reinterpret_cast<const char*>(run), static_cast<std::size_t>(m_p - run));
                ++m_p;
                if (!escape()) {
                    return false;
                }
                run = m_p;
                continue;
            }
            if (c < 0x80 || !utf8Sequence()) {
                return false; // a control character, or malformed UTF-8
            }
        }
    }

#if defined(__SSE2__)
    // specialBytes() for sixteen bytes: bit i set when byte i is special. A signed comparison
    // below 0x20 catches the control characters and every byte >= 0x80 at once.
    static unsigned specialBytes16(const unsigned char* at)
    {
        const __m128i v = _mm_loadu_si128(static_cast<const __m128i*>(static_cast<const void*>(at)));
        const __m128i quote = _mm_cmpeq_epi8(v, _mm_set1_epi8('"'));
        const __m128i backslash = _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'));
        const __m128i low = _mm_cmplt_epi8(v, _mm_set1_epi8(0x20));
        return static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(quote, backslash), low)));
    }
#endif

    // The bytes at `at` that are not plain ASCII for a string (the quote, the backslash, a control
    // character, a byte >= 0x80), each marked by its top bit in a word read little-endian. The
    // lowest mark is always exact (a borrow only runs towards higher bytes), so it locates the
    // first such byte; marks above it may be false, and the byte loop decides there.
    static std::uint64_t specialBytes(const unsigned char* at)
    {
        constexpr std::uint64_t ones = 0x0101010101010101ULL;
        constexpr std::uint64_t highs = 0x8080808080808080ULL;
        std::uint64_t w = 0;
        std::memcpy(&w, at, sizeof w);
        if constexpr (std::endian::native == std::endian::big) {
            w = __builtin_bswap64(w);
        }
        const auto zeroByte = [](std::uint64_t v) { return (v - ones) & ~v & highs; };
        const std::uint64_t control = (w - ones * 0x20) & ~w & highs;
        return control | zeroByte(w ^ (ones * '"')) | zeroByte(w ^ (ones * '\\')) | (w & highs);
    }

    // One well-formed UTF-8 sequence of two to four bytes (RFC 3629), its lead byte at m_p.
    bool utf8Sequence()
    {
        const unsigned char lead = *m_p;
        unsigned char lo = 0x80;
        unsigned char hi = 0xBF;
        int trailing = 0;
        if (lead >= 0xC2 && lead <= 0xDF) {
            trailing = 1;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            trailing = 2;
            if (lead == 0xE0) {
                lo = 0xA0; // no overlong forms
            } else if (lead == 0xED) {
                hi = 0x9F; // no surrogates
            }
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            trailing = 3;
            if (lead == 0xF0) {
                lo = 0x90;
            } else if (lead == 0xF4) {
                hi = 0x8F; // nothing past U+10FFFF
            }
        } else {
            return false;
        }
        if (m_end - m_p <= trailing) {
            return false;
        }
        if (m_p[1] < lo || m_p[1] > hi) {
            return false;
        }
        for (int i = 2; i <= trailing; ++i) {
            if (m_p[i] < 0x80 || m_p[i] > 0xBF) {
                return false;
            }
        }
        m_p += trailing + 1;
        return true;
    }

    // After a backslash: the escape, appended to m_scratch.
    bool escape()
    {
        if (m_p == m_end) {
            return false;
        }
        const unsigned char c = *m_p++;
        switch (c) {
        case '"':
        case '\\':
        case '/':
            m_scratch.push_back(static_cast<char>(c));
            return true;
        case 'b':
            m_scratch.push_back('\b');
            return true;
        case 'f':
            m_scratch.push_back('\f');
            return true;
        case 'n':
            m_scratch.push_back('\n');
            return true;
        case 'r':
            m_scratch.push_back('\r');
            return true;
        case 't':
            m_scratch.push_back('\t');
            return true;
        case 'u':
            break;
        default:
            return false;
        }
        int code = hex4();
        if (code < 0) {
            return false;
        }
        if (code >= 0xDC00 && code <= 0xDFFF) {
            return false; // a low surrogate with no high one before it
        }
        if (code >= 0xD800 && code <= 0xDBFF) {
            if (m_end - m_p < 2 || m_p[0] != '\\' || m_p[1] != 'u') {
                return false;
            }
            m_p += 2;
            const int low = hex4();
            if (low < 0xDC00 || low > 0xDFFF) {
                return false;
            }
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
        }
        appendUtf8(static_cast<std::uint32_t>(code));
        return true;
    }

    int hex4()
    {
        if (m_end - m_p < 4) {
            return -1;
        }
        int code = 0;
        for (int i = 0; i < 4; ++i) {
            const int digit = hexValue(m_p[i]);
            if (digit < 0) {
                return -1;
            }
            code = (code << 4) | digit;
        }
        m_p += 4;
        return code;
    }

    void appendUtf8(std::uint32_t code)
    {
        if (code < 0x80) {
            m_scratch.push_back(static_cast<char>(code)); // \u0000 included, as nlohmann does
        } else if (code < 0x800) {
            m_scratch.push_back(static_cast<char>(0xC0 | (code >> 6)));
            m_scratch.push_back(static_cast<char>(0x80 | (code & 0x3F)));
        } else if (code < 0x10000) {
            m_scratch.push_back(static_cast<char>(0xE0 | (code >> 12)));
            m_scratch.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
            m_scratch.push_back(static_cast<char>(0x80 | (code & 0x3F)));
        } else {
            m_scratch.push_back(static_cast<char>(0xF0 | (code >> 18)));
            m_scratch.push_back(static_cast<char>(0x80 | ((code >> 12) & 0x3F)));
            m_scratch.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
            m_scratch.push_back(static_cast<char>(0x80 | (code & 0x3F)));
        }
    }

    // A number: '-'? ('0' | [1-9][0-9]*) ('.' [0-9]+)? ([eE] [+-]? [0-9]+)?. Integers go to
    // number_unsigned (no sign) or number_integer (a sign), a double when they do not fit 64 bits;
    // a fraction or an exponent makes a double. What follows is the caller's to check.
    bool number()
    {
        const unsigned char* start = m_p;
        const bool negative = *m_p == '-';
        if (negative) {
            ++m_p;
        }
        if (m_p == m_end || !isDigit(*m_p)) {
            return false;
        }
        if (*m_p == '0') {
            ++m_p;
        } else {
            while (m_p != m_end && isDigit(*m_p)) {
                ++m_p;
            }
        }
        bool isFloat = false;
        if (m_p != m_end && *m_p == '.') {
            ++m_p;
            if (m_p == m_end || !isDigit(*m_p)) {
                return false;
            }
            while (m_p != m_end && isDigit(*m_p)) {
                ++m_p;
            }
            isFloat = true;
        }
        if (m_p != m_end && (*m_p == 'e' || *m_p == 'E')) {
            ++m_p;
            if (m_p != m_end && (*m_p == '+' || *m_p == '-')) {
                ++m_p;
            }
            if (m_p == m_end || !isDigit(*m_p)) {
                return false;
            }
            while (m_p != m_end && isDigit(*m_p)) {
                ++m_p;
            }
            isFloat = true;
        }
        const char* first = reinterpret_cast<const char*>(start);
        const char* last = reinterpret_cast<const char*>(m_p);
        if (!isFloat) {
            if (negative) {
                std::int64_t value = 0;
                const auto [ptr, ec] = std::from_chars(first, last, value);
                if (ec == std::errc() && ptr == last) {
                    return m_sax.number_integer(value);
                }
            } else {
                std::uint64_t value = 0;
                const auto [ptr, ec] = std::from_chars(first, last, value);
                if (ec == std::errc() && ptr == last) {
                    return m_sax.number_unsigned(value);
                }
            }
            // Out of range for 64 bits: a double, as nlohmann reads it.
        }
        double value = 0;
        const auto [ptr, ec] = std::from_chars(first, last, value);
        if (ec != std::errc() || ptr != last) {
            // Overflow (which nlohmann refuses) or underflow (which it reads as the nearest
            // double): not told apart here, so the caller's parser decides.
            return false;
        }
        return m_sax.number_float(value, std::string_view(first, static_cast<std::size_t>(last - first)));
    }

    const unsigned char* m_p;
    const unsigned char* m_end;
    Sax& m_sax;
    std::string m_open; // '{' or '[' for each container open
    std::string m_scratch;
};

} // namespace Detail

// Reads `bytes` into `sax`; false when the document is not accepted (see above) or the handler
// stopped, in which case the handler holds a partial result to be thrown away.
template <typename Sax>
bool readJsonSax(QByteArrayView bytes, Sax& sax)
{
    const auto* begin = reinterpret_cast<const unsigned char*>(bytes.data());
    Detail::Reader<Sax> reader(begin, begin + bytes.size(), sax);
    return reader.run();
}

} // namespace Elevate::Json
