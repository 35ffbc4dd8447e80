// Owning handle for jansson values, so no code path can leak or double-free
// a json_t while an ApiError unwinds through it.
#pragma once

#include <jansson.h>

#include <cstdint>
#include <string>
#include <utility>

namespace swiftcall::api {

class Json {
public:
    Json() = default;
    // Takes ownership of a new reference.
    static Json adopt(json_t* value) { return Json(value); }
    // Shares a borrowed reference.
    static Json borrow(json_t* value) { return Json(value ? json_incref(value) : nullptr); }
    static Json object() { return Json(json_object()); }
    static Json array() { return Json(json_array()); }

    Json(const Json& other) : value_(other.value_ ? json_incref(other.value_) : nullptr) {}
    Json(Json&& other) noexcept : value_(std::exchange(other.value_, nullptr)) {}
    Json& operator=(Json other) noexcept {
        std::swap(value_, other.value_);
        return *this;
    }
    ~Json() { json_decref(value_); }

    json_t* get() const { return value_; }
    // Hands the reference to a C API that steals it.
    json_t* release() { return std::exchange(value_, nullptr); }
    explicit operator bool() const { return value_ != nullptr; }

    Json& set(const char* key, Json value) {
        json_object_set_new(value_, key, value.release());
        return *this;
    }
    Json& set(const char* key, const std::string& value) {
        json_object_set_new(value_, key, json_string(value.c_str()));
        return *this;
    }
    Json& set(const char* key, const char* value) {
        json_object_set_new(value_, key, json_string(value));
        return *this;
    }
    Json& set(const char* key, int64_t value) {
        json_object_set_new(value_, key, json_integer(value));
        return *this;
    }
    Json& set(const char* key, uint64_t value) {
        json_object_set_new(value_, key, json_integer(static_cast<json_int_t>(value)));
        return *this;
    }
    Json& set(const char* key, int value) { return set(key, static_cast<int64_t>(value)); }
    Json& set(const char* key, double value) {
        json_object_set_new(value_, key, json_real(value));
        return *this;
    }
    Json& set(const char* key, unsigned value) { return set(key, static_cast<int64_t>(value)); }
    Json& set_bool(const char* key, bool value) {
        json_object_set_new(value_, key, json_boolean(value));
        return *this;
    }
    Json& append(Json value) {
        json_array_append_new(value_, value.release());
        return *this;
    }

    std::string dump() const {
        if (!value_) return "null";
        char* text = json_dumps(value_, JSON_COMPACT | JSON_ENCODE_ANY);
        std::string out = text ? text : "";
        free(text);
        return out;
    }

private:
    explicit Json(json_t* value) : value_(value) {}
    json_t* value_ = nullptr;
};

}  // namespace swiftcall::api
