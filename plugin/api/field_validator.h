// Declarative checks for request bodies: each verb lists its fields once and
// gets the stock VideoRoom's error codes (429 missing, 430 wrong type/value).
#pragma once

#include <jansson.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>

namespace swiftcall::api {

enum class FieldType { string, integer, positive_integer, boolean, array, object };

// Longest string a field may carry unless its spec says otherwise; display
// names and descriptions in the stock UI are a few dozen characters.
inline constexpr size_t kMaxStringField = 1024;
// SDP blobs are the one long string (a simulcast offer is ~10 KB).
inline constexpr size_t kMaxSdpField = 64 * 1024;

struct FieldSpec {
    const char* name;
    FieldType type;
    bool required = false;
    size_t max_length = kMaxStringField;  // strings only
};

// Throws ApiError when a field is missing, has the wrong type, or a string is
// longer than its max_length. Unknown fields are ignored, as VideoRoom does.
void validate_fields(const json_t* body, std::span<const FieldSpec> specs);
inline void validate_fields(const json_t* body, std::initializer_list<FieldSpec> specs) {
    validate_fields(body, std::span<const FieldSpec>(specs.begin(), specs.size()));
}

std::optional<std::string> string_field(const json_t* body, const char* name);
std::optional<uint64_t> uint_field(const json_t* body, const char* name);
std::optional<int64_t> int_field(const json_t* body, const char* name);
std::optional<bool> bool_field(const json_t* body, const char* name);

// The "request" verb of a message, validated.
std::string request_name(const json_t* body);

}  // namespace swiftcall::api
