// Built twice against a fake core (the symbols the janus executable exports):
// once with the version of the headers, once with another one.
#include <catch2/catch.hpp>
#include <string>

#include "janus/janus_bridge.h"

extern "C" {
__attribute__((visibility("default"))) int janus_version = FAKE_CORE_VERSION;
__attribute__((visibility("default"))) const char* janus_version_string = FAKE_CORE_VERSION_STRING;
__attribute__((visibility("default"))) int janus_plugin_session_is_alive(janus_plugin_session*) {
    return 0;
}
}

using namespace swiftcall::janus;

#if FAKE_CORE_MATCHES

TEST_CASE("the core the headers came from enables the bridge", "[version]") {
    std::string why;
    CHECK(janus_core_version_supported(&why));
    CHECK(why.empty());
    CHECK(janus_headers_version() == FAKE_CORE_VERSION);
}

#else

TEST_CASE("a core of another version disables the bridge with one clear reason", "[version]") {
    std::string why;
    CHECK_FALSE(janus_core_version_supported(&why));
    CHECK(why.rfind("Janus core version mismatch: running " FAKE_CORE_VERSION_STRING " (", 0) == 0);
    CHECK(why.find("built against Janus ") != std::string::npos);
    // Built piecewise: GCC 12 -O3 reports a false -Wrestrict on "(" + string.
    std::string headers = "(";
    headers += std::to_string(janus_headers_version());
    headers += ")";
    CHECK(why.find(headers) != std::string::npos);
}

TEST_CASE("with a mismatched core no internal struct is touched", "[version]") {
    // A bogus pointer: any dereference would crash, the bridge must refuse first.
    auto* bogus = reinterpret_cast<janus_plugin_session*>(0x10);
    std::string why;
    CHECK_FALSE(read_leg_transport(bogus, &why));
    CHECK(why.rfind("Janus core version mismatch", 0) == 0);
    why.clear();
    CHECK_FALSE(watch_selected_pair(
        bogus, [](const SelectedPair&) {}, &why));
    CHECK(why.rfind("Janus core version mismatch", 0) == 0);
    CHECK(selected_pair_changed(bogus, SelectedPair{}, 0));
    const std::string json = describe_leg_json(bogus);
    CHECK(json.find("\"kernel_eligible\":false") != std::string::npos);
    CHECK(json.find("Janus core version mismatch") != std::string::npos);
}

#endif
