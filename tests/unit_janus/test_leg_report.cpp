#include <arpa/inet.h>
#include <jansson.h>
#include <sys/socket.h>

#include <catch2/catch.hpp>
#include <memory>

#include "janus/leg_report.h"

using namespace swiftcall::janus;

namespace {

Endpoint v4(const char* ip, std::uint16_t port) {
    Endpoint ep;
    ep.family = AF_INET;
    inet_pton(AF_INET, ip, ep.addr.data());
    ep.port = port;
    return ep;
}

struct JsonDeleter {
    void operator()(json_t* j) const { json_decref(j); }
};

std::unique_ptr<json_t, JsonDeleter> parse(const std::string& text) {
    json_error_t error;
    json_t* j = json_loads(text.c_str(), 0, &error);
    REQUIRE(j != nullptr);
    return std::unique_ptr<json_t, JsonDeleter>(j);
}

LegReport full_report() {
    LegReport r;
    r.leg.handle_id = 42;
    r.leg.pair.local_base = v4("127.0.0.2", 40000);
    r.leg.pair.local = r.leg.pair.local_base;
    r.leg.pair.remote = v4("127.0.1.5", 50000);
    r.leg.pair.local_type = "host";
    r.leg.pair.remote_type = "prflx";
    r.leg.profile = SrtpProfile::aead_aes_256_gcm;
    r.leg.local_key.assign(32, 0xAB);
    r.leg.local_salt.assign(12, 0xCD);
    r.leg.remote_key.assign(32, 0xEF);
    r.leg.remote_salt.assign(12, 0x12);
    LegTransport::Medium video;
    video.mindex = 1;
    video.mid = "1";
    video.video = true;
    video.local_ssrc = 1111;
    video.remote_ssrc = {2222, 0, 0};
    r.leg.media.push_back(video);
    r.leg.extension_ids["urn:ietf:params:rtp-hdrext:sdes:mid"] = 4;
    r.pair_known = r.dtls_known = r.media_known = true;
    return r;
}

}  // namespace

TEST_CASE("endpoints print as address:port, IPv6 in brackets", "[leg]") {
    CHECK(v4("127.0.0.2", 40000).to_string() == "127.0.0.2:40000");
    Endpoint v6;
    v6.family = AF_INET6;
    inet_pton(AF_INET6, "::1", v6.addr.data());
    v6.port = 9;
    CHECK(v6.to_string() == "[::1]:9");
    CHECK(Endpoint{}.to_string() == "unknown");
}

TEST_CASE("leg JSON reports key lengths, never key bytes", "[leg]") {
    const std::string text = leg_report_json(full_report());
    CHECK(text.find("abababab") == std::string::npos);
    CHECK(text.find("ABABABAB") == std::string::npos);
    auto j = parse(text);
    json_t* dtls = json_object_get(j.get(), "dtls");
    REQUIRE(dtls);
    CHECK(json_integer_value(json_object_get(dtls, "local_key_len")) == 32);
    CHECK(json_integer_value(json_object_get(dtls, "remote_salt_len")) == 12);
    CHECK(std::string(json_string_value(json_object_get(dtls, "srtp_profile"))) ==
          "SRTP_AEAD_AES_256_GCM");
    CHECK(json_object_get(dtls, "local_key") == nullptr);
}

TEST_CASE("an eligible leg shows its path, media and extensions", "[leg]") {
    auto j = parse(leg_report_json(full_report()));
    CHECK(json_is_true(json_object_get(j.get(), "kernel_eligible")));
    CHECK(json_object_get(j.get(), "why_not") == nullptr);
    json_t* ice = json_object_get(j.get(), "ice");
    CHECK(std::string(json_string_value(json_object_get(ice, "remote"))) == "127.0.1.5:50000");
    CHECK(std::string(json_string_value(json_object_get(ice, "transport"))) == "udp");
    json_t* media = json_object_get(j.get(), "media");
    REQUIRE(json_array_size(media) == 1);
    CHECK(json_integer_value(json_object_get(json_array_get(media, 0), "local_ssrc")) == 1111);
    CHECK(json_integer_value(json_object_get(json_object_get(j.get(), "extensions"),
                                             "urn:ietf:params:rtp-hdrext:sdes:mid")) == 4);
}

TEST_CASE("an ineligible leg says why and omits what was not read", "[leg]") {
    LegReport r;
    r.leg.handle_id = 7;
    r.why_not = "ICE not connected (state gathering)";
    auto j = parse(leg_report_json(r));
    CHECK(json_is_false(json_object_get(j.get(), "kernel_eligible")));
    CHECK(std::string(json_string_value(json_object_get(j.get(), "why_not"))) == r.why_not);
    CHECK(json_object_get(j.get(), "ice") == nullptr);
    CHECK(json_object_get(j.get(), "dtls") == nullptr);
    CHECK(json_object_get(j.get(), "media") == nullptr);
}
