#include <catch2/catch.hpp>

#include "api/api_error.h"
#include "api/field_validator.h"
#include "api/json.h"

using namespace swiftcall::api;

namespace {
Json parse(const char* text) {
    json_error_t error;
    return Json::adopt(json_loads(text, JSON_DECODE_ANY, &error));
}
int code_of(const char* text, std::initializer_list<FieldSpec> specs) {
    Json body = parse(text);
    try {
        validate_fields(body.get(), specs);
    } catch (const ApiError& e) {
        return e.numeric_code();
    }
    return 0;
}
}  // namespace

TEST_CASE("missing mandatory field is error 429") {
    CHECK(code_of(R"({})", {{"room", FieldType::positive_integer, true}}) == 429);
}

TEST_CASE("wrong field types are error 430") {
    const std::initializer_list<FieldSpec> specs{{"room", FieldType::positive_integer, true},
                                                 {"display", FieldType::string},
                                                 {"audio", FieldType::boolean},
                                                 {"streams", FieldType::array}};
    CHECK(code_of(R"({"room":"1234"})", specs) == 430);
    CHECK(code_of(R"({"room":-5})", specs) == 430);
    CHECK(code_of(R"({"room":0})", specs) == 0);  // allowed, then simply not found
    CHECK(code_of(R"({"room":1.5})", specs) == 430);
    CHECK(code_of(R"({"room":1,"display":7})", specs) == 430);
    CHECK(code_of(R"({"room":1,"audio":"yes"})", specs) == 430);
    CHECK(code_of(R"({"room":1,"streams":{}})", specs) == 430);
    CHECK(code_of(R"({"room":1,"display":"x","audio":true,"streams":[]})", specs) == 0);
}

TEST_CASE("oversized strings are rejected, not stored") {
    std::string big = R"({"display":")" + std::string(kMaxStringField + 1, 'a') + R"("})";
    CHECK(code_of(big.c_str(), {{"display", FieldType::string}}) == 430);
    std::string ok = R"({"display":")" + std::string(kMaxStringField, 'a') + R"("})";
    CHECK(code_of(ok.c_str(), {{"display", FieldType::string}}) == 0);
}

TEST_CASE("a body that is not an object is invalid JSON (422)") {
    CHECK(code_of("[1,2]", {}) == 422);
    CHECK(code_of("\"join\"", {}) == 422);
}

TEST_CASE("request name must be a string") {
    Json body = parse(R"({"request":5})");
    CHECK_THROWS_AS(request_name(body.get()), ApiError);
    CHECK_THROWS_AS(request_name(nullptr), ApiError);
    Json good = parse(R"({"request":"join"})");
    CHECK(request_name(good.get()) == "join");
}
