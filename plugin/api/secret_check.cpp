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

}  // namespace swiftcall::api
