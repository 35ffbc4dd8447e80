#include "api/secret_check.h"

#include <string>

#include "api/api_error.h"
#include "api/field_validator.h"

namespace swiftcall::api {

bool equal_in_constant_time(std::string_view a, std::string_view b) {
    // Every byte of the longer string is visited, whatever matched before.
    const size_t n = a.size() > b.size() ? a.size() : b.size();
    unsigned diff = a.size() == b.size() ? 0u : 1u;
    for (size_t i = 0; i < n; i++) {
        const unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
        const unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
        diff |= static_cast<unsigned>(x ^ y);
    }
    return diff == 0;
}

void check_secret(std::string_view expected, const json_t* body, const char* member) {
    if (expected.empty()) return;
    const json_t* value = json_object_get(body, member);
    if (value && !json_is_string(value))
        throw ApiError(ErrorCode::invalid_element,
                       std::string("Invalid element type (") + member + " should be a string)");
    auto given = string_field(body, member);
    if (!given)
        throw ApiError(ErrorCode::missing_element,
                       std::string("Missing mandatory element (") + member + ")");
    if (!equal_in_constant_time(expected, *given))
        throw ApiError(ErrorCode::unauthorized, std::string("Unauthorized (wrong ") + member + ")");
}

}  // namespace swiftcall::api
