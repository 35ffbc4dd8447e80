// JSON text -> jansson -> the request validator, the way a request body
// reaches the plugin: request_name(), then validate_fields() with every
// FieldType (required and optional, each length limit the verbs use) for
// every key the body has and for the fixed names the verbs read, then the
// typed accessors. Nested objects and arrays of objects are validated too,
// as "jsep", "streams" and "subscribe" items are.
//
// Each outcome is compared with the stock VideoRoom's rules, computed here
// from the jansson value directly: applications branch on the error code
// (429 missing, 430 wrong type or too long, 422 not an object), and a verb
// handler dereferences an accessor's value once validation passed, so a
// validator that lets a wrong type through is a crash waiting elsewhere.
#include <jansson.h>

#include <cctype>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "api/api_error.h"
#include "api/field_validator.h"
#include "api/json.h"
#include "fuzz_check.h"

using namespace swiftcall::api;

namespace {

constexpr FieldType kTypes[] = {FieldType::string,  FieldType::integer, FieldType::positive_integer,
                                FieldType::boolean, FieldType::array,   FieldType::object};
constexpr size_t kLimits[] = {0, 1, 16, kMaxStringField, kMaxSdpField, SIZE_MAX};
// Names the verb handlers read (plugin/core/*_requests.cpp): fixed ones so
// that a missing mandatory field is exercised, not only present keys.
constexpr const char* kVerbFields[] = {"request", "room",    "feed",      "id",  "display", "sdp",
                                       "type",    "streams", "subscribe", "mid", "jsep"};

constexpr int kOk = 0;

bool has_type(const json_t* value, FieldType type) {
    switch (type) {
        case FieldType::string:
            return json_is_string(value);
        case FieldType::integer:
            return json_is_integer(value);
        case FieldType::positive_integer:  // zero allowed, as JANUS_JSON_PARAM_POSITIVE
            return json_is_integer(value) && json_integer_value(value) >= 0;
        case FieldType::boolean:
            return json_is_boolean(value);
        case FieldType::array:
            return json_is_array(value);
        case FieldType::object:
            return json_is_object(value);
    }
    return false;
}

// The code the stock rules give for one spec, kOk when it passes.
int expected_code(const json_t* body, const FieldSpec& spec) {
    if (!json_is_object(body)) return 422;
    const json_t* value = json_object_get(body, spec.name);
    if (value == nullptr) return spec.required ? 429 : kOk;
    if (!has_type(value, spec.type)) return 430;
    if (spec.type == FieldType::string && json_string_length(value) > spec.max_length) return 430;
    return kOk;
}

// Specs are checked in order and the first failure is reported.
int expected_code(const json_t* body, std::initializer_list<FieldSpec> specs) {
    if (!json_is_object(body)) return 422;
    for (const FieldSpec& spec : specs)
        if (const int code = expected_code(body, spec); code != kOk) return code;
    return kOk;
}

int actual_code(const json_t* body, std::initializer_list<FieldSpec> specs) {
    try {
        validate_fields(body, specs);
        return kOk;
    } catch (const ApiError& e) {
        FUZZ_CHECK(e.what()[0] != '\0');
        return e.numeric_code();
    }
}

void check_specs(const json_t* body, std::initializer_list<FieldSpec> specs) {
    FUZZ_CHECK(actual_code(body, specs) == expected_code(body, specs));
}

void check_accessors(const json_t* body, const char* name) {
    const json_t* value = json_object_get(body, name);

    const auto text = string_field(body, name);
    FUZZ_CHECK(text.has_value() == json_is_string(value));
    if (text) {
        FUZZ_CHECK(text->size() == json_string_length(value));
        FUZZ_CHECK(text->compare(0, text->size(), json_string_value(value), text->size()) == 0);
    }
    const auto unsigned_value = uint_field(body, name);
    FUZZ_CHECK(unsigned_value.has_value() ==
               (json_is_integer(value) && json_integer_value(value) >= 0));
    if (unsigned_value)
        FUZZ_CHECK(*unsigned_value == static_cast<uint64_t>(json_integer_value(value)));
    const auto signed_value = int_field(body, name);
    FUZZ_CHECK(signed_value.has_value() == json_is_integer(value));
    if (signed_value) FUZZ_CHECK(*signed_value == json_integer_value(value));
    const auto flag = bool_field(body, name);
    FUZZ_CHECK(flag.has_value() == json_is_boolean(value));
    if (flag) FUZZ_CHECK(*flag == json_is_true(value));
}

void check_request_name(const json_t* body) {
    int expected = kOk;
    const json_t* verb = json_is_object(body) ? json_object_get(body, "request") : nullptr;
    if (body == nullptr)
        expected = 421;
    else if (!json_is_object(body))
        expected = 422;
    else if (verb == nullptr)
        expected = 429;
    else if (!json_is_string(verb))
        expected = 430;  // any length is fine: an unknown verb is 423 later
    try {
        const std::string name = request_name(body);
        FUZZ_CHECK(expected == kOk);
        // Case-insensitive verbs: the lower-cased verb, byte for byte.
        FUZZ_CHECK(name.size() == json_string_length(verb));
        const char* original = json_string_value(verb);
        for (size_t i = 0; i < name.size(); i++)
            FUZZ_CHECK(name[i] ==
                       static_cast<char>(std::tolower(static_cast<unsigned char>(original[i]))));
    } catch (const ApiError& e) {
        FUZZ_CHECK(e.numeric_code() == expected);
    }
}

void validate_object(const json_t* body, int depth) {
    if (depth > 2) return;
    std::vector<std::string> names(std::begin(kVerbFields), std::end(kVerbFields));
    const char* key;
    json_t* value;
    json_object_foreach(const_cast<json_t*>(body), key, value) names.emplace_back(key);

    for (const std::string& name : names) {
        const char* n = name.c_str();
        for (FieldType type : kTypes) {
            check_specs(body, {{n, type, false}});
            check_specs(body, {{n, type, true}});
        }
        for (size_t limit : kLimits) check_specs(body, {{n, FieldType::string, true, limit}});
        check_accessors(body, n);
    }
    // Several specs in one call, as each verb declares them: the first
    // failing one decides the code.
    check_specs(body, {{"room", FieldType::positive_integer, true},
                       {"display", FieldType::string},
                       {"sdp", FieldType::string, false, kMaxSdpField},
                       {"streams", FieldType::array},
                       {"audio", FieldType::boolean},
                       {"bitrate", FieldType::integer}});
    check_specs(body, {{"id", FieldType::integer},
                       {"feed", FieldType::positive_integer},
                       {"jsep", FieldType::object, true}});

    json_object_foreach(const_cast<json_t*>(body), key, value) {
        if (json_is_object(value)) validate_object(value, depth + 1);
        if (!json_is_array(value)) continue;
        size_t index;
        json_t* item;
        json_array_foreach(value, index, item) {
            if (json_is_object(item)) validate_object(item, depth + 1);
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    json_error_t error;
    // As the Janus core hands bodies to plugins: any JSON value, not only
    // objects; strings with NUL bytes so lengths are not strlen().
    Json body = Json::adopt(json_loadb(reinterpret_cast<const char*>(data), size,
                                       JSON_DECODE_ANY | JSON_ALLOW_NUL, &error));
    check_request_name(body.get());
    if (!body) return 0;
    // "request" as every type; a body that is not an object is 422 for all.
    for (FieldType type : kTypes) check_specs(body.get(), {{"request", type, true, SIZE_MAX}});
    if (json_is_object(body.get())) validate_object(body.get(), 0);
    return 0;
}
