#include "api/field_validator.h"

#include "api/api_error.h"

#include <cctype>
#include <cstdint>

namespace swiftcall::api {
namespace {

const char* describe(FieldType type) {
    switch (type) {
        case FieldType::string: return "a string";
        case FieldType::integer: return "an integer";
        case FieldType::positive_integer: return "a non-negative integer";
        case FieldType::boolean: return "a boolean";
        case FieldType::array: return "an array";
        case FieldType::object: return "an object";
    }
    return "valid";
}

bool has_type(const json_t* value, FieldType type) {
    switch (type) {
        case FieldType::string: return json_is_string(value);
        case FieldType::integer: return json_is_integer(value);
        // Janus's JANUS_JSON_PARAM_POSITIVE: zero is allowed (room 0 is then
        // simply not found, 426, as in VideoRoom).
        case FieldType::positive_integer:
            return json_is_integer(value) && json_integer_value(value) >= 0;
        case FieldType::boolean: return json_is_boolean(value);
        case FieldType::array: return json_is_array(value);
        case FieldType::object: return json_is_object(value);
    }
    return false;
}

}  // namespace

void validate_fields(const json_t* body, std::span<const FieldSpec> specs) {
    if (!json_is_object(body)) throw ApiError(ErrorCode::invalid_json, "JSON error: not an object");
    for (const FieldSpec& spec : specs) {
        const json_t* value = json_object_get(body, spec.name);
        if (value == nullptr) {
            if (spec.required)
                throw ApiError(ErrorCode::missing_element,
                               std::string("Missing mandatory element (") + spec.name + ")");
            continue;
        }
        if (!has_type(value, spec.type))
            throw ApiError(ErrorCode::invalid_element, std::string("Invalid element type (") +
                                                           spec.name + " should be " +
                                                           describe(spec.type) + ")");
        if (spec.type == FieldType::string && json_string_length(value) > spec.max_length)
            throw ApiError(ErrorCode::invalid_element,
                           std::string("Invalid element (") + spec.name + " is too long)");
    }
}

std::optional<std::string> string_field(const json_t* body, const char* name) {
    const json_t* value = json_object_get(body, name);
    if (!json_is_string(value)) return std::nullopt;
    return std::string(json_string_value(value), json_string_length(value));
}

std::optional<uint64_t> uint_field(const json_t* body, const char* name) {
    const json_t* value = json_object_get(body, name);
    if (!json_is_integer(value) || json_integer_value(value) < 0) return std::nullopt;
    return static_cast<uint64_t>(json_integer_value(value));
}

std::optional<int64_t> int_field(const json_t* body, const char* name) {
    const json_t* value = json_object_get(body, name);
    if (!json_is_integer(value)) return std::nullopt;
    return json_integer_value(value);
}

std::optional<bool> bool_field(const json_t* body, const char* name) {
    const json_t* value = json_object_get(body, name);
    if (!json_is_boolean(value)) return std::nullopt;
    return json_is_true(value);
}

std::string request_name(const json_t* body) {
    if (body == nullptr) throw ApiError(ErrorCode::no_message, "No message??");
    if (!json_is_object(body)) throw ApiError(ErrorCode::invalid_json, "JSON error: not an object");
    // Any length: an unknown verb is "unknown request" (423), as in VideoRoom.
    validate_fields(body, {{"request", FieldType::string, true, SIZE_MAX}});
    // Verbs are case-insensitive, as in VideoRoom (strcasecmp).
    std::string name = *string_field(body, "request");
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return name;
}

}  // namespace swiftcall::api
