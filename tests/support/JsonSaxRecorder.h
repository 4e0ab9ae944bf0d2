#pragma once

// What the JSON reader tests and the codec fuzzer share to hold the hand-written reader
// (Json::readJsonSax) against nlohmann's parser: a SAX handler that writes down every event with
// its exact value, and the verdict of both readers on the same bytes.

#include "AuditPageDecoderInternal.h"
#include "JsonSaxReader.h"

#include <nlohmann/json.hpp>

#include <QByteArrayView>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace JsonSaxRecorder {

// One line per event: its kind, then its value byte for byte (a double by its bit pattern).
class Recorder
{
public:
    std::string log;
    bool refused = false;
    bool tinyFloat = false; // a float with an exponent that reads as zero or a subnormal

    bool null() { return add("n"); }
    bool boolean(bool value) { return add(value ? "t" : "f"); }
    bool number_integer(std::int64_t value) { return add("i" + std::to_string(value)); }
    bool number_unsigned(std::uint64_t value) { return add("u" + std::to_string(value)); }
    bool number_float(double value, std::string_view text)
    {
        std::uint64_t bits = 0;
        std::memcpy(&bits, &value, sizeof bits);
        if ((value == 0 || std::fpclassify(value) == FP_SUBNORMAL) && text.find_first_of("eE") != std::string_view::npos) {
            tinyFloat = true;
        }
        return add("d" + std::to_string(bits));
    }
    bool string(std::string_view value) { return add("s" + std::string(value)); }
    bool key(std::string_view value) { return add("k" + std::string(value)); }
    bool binary(nlohmann::json::binary_t& /*value*/) { return add("B"); }
    bool start_object(std::size_t /*size*/) { return add("{"); }
    bool end_object() { return add("}"); }
    bool start_array(std::size_t /*size*/) { return add("["); }
    bool end_array() { return add("]"); }
    bool parse_error(std::size_t /*position*/, const std::string& /*token*/, const nlohmann::detail::exception& /*ex*/)
    {
        refused = true;
        return false;
    }

private:
    bool add(const std::string& event)
    {
        log += event;
        log += '\n';
        return true;
    }
};

struct Verdict
{
    bool agree = true;
    bool fastAccepted = false;
    bool nlohmannAccepted = false;
    const char* why = "";
};

// Both readers on `bytes`: the fast reader may only accept what nlohmann accepts, with the very
// same events, and may only refuse what nlohmann refuses, but for a float that underflows (which it
// leaves to nlohmann, not converting it with certainty).
inline Verdict compareReaders(QByteArrayView bytes)
{
    Recorder slow;
    const bool slowOk = nlohmann::json::sax_parse(bytes.begin(), bytes.end(), &slow) && !slow.refused;
    Recorder fast;
    const bool fastOk = Elevate::Json::readJsonSax(bytes, fast);
    Verdict v;
    v.fastAccepted = fastOk;
    v.nlohmannAccepted = slowOk;
    if (fastOk && !slowOk) {
        v.agree = false;
        v.why = "the fast reader accepted what nlohmann refuses";
    } else if (fastOk && fast.log != slow.log) {
        v.agree = false;
        v.why = "the fast reader read other values than nlohmann";
    } else if (!fastOk && slowOk && !slow.tinyFloat) {
        v.agree = false;
        v.why = "the fast reader refused what nlohmann accepts";
    }
    return v;
}

inline bool sameResult(const Elevate::Result<Elevate::Page<Elevate::AuditEvent>>& a,
                       const Elevate::Result<Elevate::Page<Elevate::AuditEvent>>& b)
{
    if (a.ok() != b.ok()) {
        return false;
    }
    if (a.ok()) {
        return *a == *b;
    }
    return a.error().path == b.error().path && a.error().message == b.error().message;
}

} // namespace JsonSaxRecorder
