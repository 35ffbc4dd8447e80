// Errors the request layer reports, with the numeric codes of the stock
// VideoRoom so that existing applications (and the stock demos) keep working.
#pragma once

#include <stdexcept>
#include <string>

namespace swiftcall::api {

enum class ErrorCode : int {
    unknown = 499,
    no_message = 421,
    invalid_json = 422,
    invalid_request = 423,
    join_first = 424,
    already_joined = 425,
    no_such_room = 426,
    room_exists = 427,
    no_such_feed = 428,
    missing_element = 429,
    invalid_element = 430,
    invalid_sdp_type = 431,
    publishers_full = 432,
    unauthorized = 433,
    already_published = 434,
    not_published = 435,
    id_exists = 436,
    invalid_sdp = 437,
};

// Thrown anywhere below the plugin edge; the edge turns it into
// {"videoroom":"event","error_code":N,"error":"..."}.
class ApiError : public std::runtime_error {
public:
    ApiError(ErrorCode code, const std::string& message)
        : std::runtime_error(message), code_(code) {}
    ErrorCode code() const { return code_; }
    int numeric_code() const { return static_cast<int>(code_); }

private:
    ErrorCode code_;
};

}  // namespace swiftcall::api
