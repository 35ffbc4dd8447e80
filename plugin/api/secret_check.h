// Room secrets and pins, checked as the stock VideoRoom checks them
// (JANUS_CHECK_SECRET in Janus's utils.h): a room without one checks
// nothing; a missing member is 429, a non-string 430, a mismatch 433
// "Unauthorized (wrong <member>)". The comparison takes the same time
// wherever the strings differ, so an attacker cannot learn a secret byte by
// byte from timing.
#pragma once

#include <jansson.h>

#include <set>
#include <string>
#include <string_view>

namespace swiftcall::api {

// Throws ApiError (missing_element / invalid_element / unauthorized).
void check_secret(std::string_view expected, const json_t* body, const char* member);

// A room's token list (`allowed`), checked as the stock VideoRoom checks it
// when a publisher joins: if the room checks tokens, a `token` that is
// missing or not in the list is 433 "Unauthorized (not in the allowed
// list)". Every listed token is compared in constant time, so the timing
// tells neither which token matched nor how much of one.
void check_token(bool check_allowed, const std::set<std::string>& allowed, const json_t* body);

// The strings of an `allowed` array (create, the allowed request): 430
// "Invalid element in the allowed array (not a string)" for anything else.
std::set<std::string> allowed_tokens(const json_t* array);

// Equal strings, in time that depends on the lengths only.
bool equal_in_constant_time(std::string_view a, std::string_view b);

}  // namespace swiftcall::api
