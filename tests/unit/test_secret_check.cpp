#include <catch2/catch.hpp>
#include <set>
#include <string>

#include "api/api_error.h"
#include "api/json.h"
#include "api/secret_check.h"

using namespace swiftcall::api;

namespace {
int code_of(std::string_view expected, const char* body_text, const char* member) {
    json_error_t error;
    Json body = Json::adopt(json_loads(body_text, 0, &error));
    try {
        check_secret(expected, body.get(), member);
    } catch (const ApiError& e) {
        return e.numeric_code();
    }
    return 0;
}
}  // namespace

TEST_CASE("a room without a secret checks nothing") {
    CHECK(code_of("", R"({})", "pin") == 0);
    CHECK(code_of("", R"({"pin":"anything"})", "pin") == 0);
}

TEST_CASE("secret and pin answers follow the stock VideoRoom") {
    CHECK(code_of("1234", R"({})", "pin") == 429);            // missing
    CHECK(code_of("1234", R"({"pin":1234})", "pin") == 430);  // not a string
    CHECK(code_of("1234", R"({"pin":"123"})", "pin") == 433);
    CHECK(code_of("1234", R"({"pin":"12345"})", "pin") == 433);
    CHECK(code_of("1234", R"({"pin":""})", "pin") == 433);
    CHECK(code_of("1234", R"({"pin":"1234"})", "pin") == 0);
}

TEST_CASE("the error names the member") {
    json_error_t error;
    Json body = Json::adopt(json_loads(R"({"secret":"x"})", 0, &error));
    try {
        check_secret("adminpwd", body.get(), "secret");
        FAIL("no error");
    } catch (const ApiError& e) {
        CHECK(std::string(e.what()) == "Unauthorized (wrong secret)");
    }
}

TEST_CASE("constant-time compare is a plain equality") {
    CHECK(equal_in_constant_time("", ""));
    CHECK(equal_in_constant_time("abc", "abc"));
    CHECK_FALSE(equal_in_constant_time("abc", "abd"));
    CHECK_FALSE(equal_in_constant_time("abc", "ab"));
    CHECK_FALSE(equal_in_constant_time("ab", "abc"));
    CHECK_FALSE(equal_in_constant_time("", "a"));
    // A string and its prefix padded with NULs must differ.
    CHECK_FALSE(equal_in_constant_time(std::string_view("ab\0", 3), "ab"));
}

namespace {
int token_code(bool check, const std::set<std::string>& allowed, const char* body_text) {
    json_error_t error;
    Json body = Json::adopt(json_loads(body_text, 0, &error));
    try {
        check_token(check, allowed, body.get());
    } catch (const ApiError& e) {
        return e.numeric_code();
    }
    return 0;
}
}  // namespace

TEST_CASE("a room that checks tokens admits only listed ones") {
    const std::set<std::string> allowed{"tok-a", "tok-b"};
    CHECK(token_code(true, allowed, R"({"token":"tok-b"})") == 0);
    CHECK(token_code(true, allowed, R"({})") == 433);
    CHECK(token_code(true, allowed, R"({"token":"tok-"})") == 433);
    CHECK(token_code(true, allowed, R"({"token":"tok-a0"})") == 433);
    CHECK(token_code(true, {}, R"({"token":""})") == 433);  // an empty list admits nobody
    CHECK(token_code(false, allowed, R"({})") == 0);        // check off: free entry
}

TEST_CASE("an allowed array must hold strings only") {
    json_error_t error;
    Json ok = Json::adopt(json_loads(R"(["x","y","x"])", 0, &error));
    CHECK(allowed_tokens(ok.get()) == std::set<std::string>{"x", "y"});
    Json bad = Json::adopt(json_loads(R"(["x",1])", 0, &error));
    CHECK_THROWS_AS(allowed_tokens(bad.get()), ApiError);
}
