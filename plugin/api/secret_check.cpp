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
    // A required string, exactly as every other field: 429 missing, 430 not a string.
    validate_fields(body, {{member, FieldType::string, true}});
    const auto given = string_field(body, member);
    if (!equal_in_constant_time(expected, *given))
        throw ApiError(ErrorCode::unauthorized, std::string("Unauthorized (wrong ") + member + ")");
}

void check_token(bool check_allowed, const std::set<std::string>& allowed, const json_t* body) {
    if (!check_allowed) return;
    const auto token = string_field(body, "token");
    bool listed = false;
    if (token)
        for (const auto& t : allowed) listed |= equal_in_constant_time(t, *token);
    if (!listed) throw ApiError(ErrorCode::unauthorized, "Unauthorized (not in the allowed list)");
}

std::set<std::string> allowed_tokens(const json_t* array) {
    std::set<std::string> tokens;
    size_t i;
    const json_t* element;
    json_array_foreach(array, i, element) {
        if (!json_is_string(element))
            throw ApiError(ErrorCode::invalid_element,
                           "Invalid element in the allowed array (not a string)");
        tokens.insert(json_string_value(element));
    }
    return tokens;
}

}  // namespace swiftcall::api
