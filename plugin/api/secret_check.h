// Room secrets and pins, checked as the stock VideoRoom checks them
// (JANUS_CHECK_SECRET in Janus's utils.h): a room without one checks
// nothing; a missing member is 429, a non-string 430, a mismatch 433
// "Unauthorized (wrong <member>)". The comparison takes the same time
// wherever the strings differ, so an attacker cannot learn a secret byte by
// byte from timing.
#pragma once

#include <jansson.h>

#include <string_view>

namespace swiftcall::api {

// Throws ApiError (missing_element / invalid_element / unauthorized).
void check_secret(std::string_view expected, const json_t* body, const char* member);

// Equal strings, in time that depends on the lengths only.
bool equal_in_constant_time(std::string_view a, std::string_view b);

}  // namespace swiftcall::api
