#include <catch2/catch.hpp>

#include "core/plugin_config.h"

using namespace swiftcall::core;

TEST_CASE("the sample's options parse into rooms and general settings") {
    auto config = parse_plugin_config({
        {"general",
         {{"videoroom_compat", "true"},
          {"datapath", "user"},
          {"admin_key", "k"},
          {"lock_rtp_forward", "true"}}},
        {"room-1234",
         {{"description", "Demo Room"},
          {"publishers", "6"},
          {"bitrate", "128000"},
          {"videocodec", "vp8,h264"},
          {"secret", "adminpwd"}}},
    });
    CHECK(config.videoroom_compat);
    CHECK(config.datapath == DatapathMode::user);
    CHECK(config.admin_key == "k");
    CHECK(config.lock_rtp_forward);
    CHECK(config.tx_ring_slots == 4096);  // the default
    CHECK(config.warnings.empty());
    REQUIRE(config.rooms.size() == 1);
    CHECK(config.rooms[0].id == 1234);
    CHECK(config.rooms[0].max_publishers == 6);
    CHECK(config.rooms[0].bitrate == 128000);
    CHECK(config.rooms[0].videocodecs == std::vector<std::string>{"vp8", "h264"});
}

TEST_CASE("invalid values are rejected with the option's name") {
    auto message_of = [](std::map<std::string, ConfigSection> categories) {
        try {
            parse_plugin_config(categories);
        } catch (const ConfigError& e) {
            return std::string(e.what());
        }
        return std::string();
    };
    CHECK_THAT(message_of({{"general", {{"datapath", "fast"}}}}),
               Catch::Contains("general.datapath"));
    CHECK_THAT(message_of({{"general", {{"videoroom_compat", "maybe"}}}}),
               Catch::Contains("general.videoroom_compat"));
    CHECK_THAT(message_of({{"general", {{"typo", "1"}}}}), Catch::Contains("general.typo"));
    CHECK_THAT(message_of({{"general", {{"transmitter", "xdp"}}}}),
               Catch::Contains("general.transmitter"));
    CHECK_THAT(message_of({{"general", {{"tx_ring_slots", "0"}}}}),
               Catch::Contains("general.tx_ring_slots"));
    CHECK_THAT(message_of({{"general", {{"tx_ring_slots", "65537"}}}}),
               Catch::Contains("general.tx_ring_slots"));
    CHECK(parse_plugin_config({{"general", {{"tx_ring_slots", "65536"}}}}).tx_ring_slots == 65536);
    CHECK_THAT(message_of({{"room-12", {{"publishers", "many"}}}}),
               Catch::Contains("room-12.publishers"));
    CHECK_THAT(message_of({{"room-12", {{"videocodec", "vp8,mpeg2"}}}}), Catch::Contains("mpeg2"));
    CHECK_THAT(message_of({{"room-abc", {}}}), Catch::Contains("room-abc"));
    CHECK_THAT(message_of({{"room-0", {}}}), Catch::Contains("room-0"));
    CHECK_THAT(message_of({{"rooms", {}}}), Catch::Contains("rooms"));
}

TEST_CASE("options of the removed ingress transmitter load with a warning that says so") {
    // An operator's older jcfg still loads: sealed serves the kernel legs,
    // and the log names each option that no longer applies.
    auto config =
        parse_plugin_config({{"general", {{"transmitter", "ingress"}, {"keystream_legs", "512"}}}});
    REQUIRE(config.warnings.size() == 2);
    CHECK_THAT(config.warnings[0],
               Catch::Contains("general.keystream_legs") && Catch::Contains("not supported"));
    CHECK_THAT(config.warnings[1],
               Catch::Contains("general.transmitter") && Catch::Contains("sealed"));
    CHECK(parse_plugin_config({{"general", {{"transmitter", "sealed"}}}}).warnings.empty());
}

TEST_CASE("defaults match the stock VideoRoom") {
    auto config = parse_plugin_config({{"room-5", {}}});
    CHECK_FALSE(config.videoroom_compat);
    CHECK(config.datapath == DatapathMode::automatic);
    CHECK(config.rooms[0].max_publishers == 3);
    CHECK(config.rooms[0].audiocodecs == std::vector<std::string>{"opus"});
    CHECK(config.rooms[0].videocodecs == std::vector<std::string>{"vp8"});
}

TEST_CASE(
    "stock room options SwiftCall lacks are logged, or refused where ignoring them opens the "
    "room") {
    // The values SwiftCall behaves as anyway pass without a word.
    auto quiet = parse_plugin_config({{"room-7",
                                       {{"bitrate_cap", "false"},
                                        {"audiolevel_ext", "yes"},
                                        {"opus_fec", "true"},
                                        {"require_e2ee", "no"},
                                        {"signed_tokens", "false"}}}});
    CHECK(quiet.warnings.empty());
    REQUIRE(quiet.rooms.size() == 1);

    // A feature we do not give: the room loads, the warning names it.
    auto loud = parse_plugin_config(
        {{"room-7", {{"bitrate_cap", "true"}, {"video_svc", "yes"}, {"dummy_publisher", "1"}}}});
    REQUIRE(loud.rooms.size() == 1);
    REQUIRE(loud.warnings.size() == 3);
    CHECK_THAT(loud.warnings[0], Catch::Contains("room-7.bitrate_cap = true"));
    CHECK_THAT(loud.warnings[1],
               Catch::Contains("room-7.dummy_publisher = 1") && Catch::Contains("not supported"));
    CHECK_THAT(loud.warnings[2], Catch::Contains("room-7.video_svc = yes"));

    // Recording options are read as stock reads them, and written back.
    auto rec = parse_plugin_config(
        {{"room-8", {{"record", "yes"}, {"rec_dir", "/tmp/rec"}, {"lock_record", "true"}}}});
    CHECK(rec.warnings.empty());
    REQUIRE(rec.rooms.size() == 1);
    CHECK(rec.rooms[0].record);
    CHECK(rec.rooms[0].rec_dir == "/tmp/rec");
    CHECK(rec.rooms[0].lock_record);
    const auto items = room_config_items(rec.rooms[0]);
    auto has = [&](const char* k, const char* v) {
        for (const auto& [key, value] : items)
            if (key == k && value == v) return true;
        return false;
    };
    CHECK(has("record", "yes"));
    CHECK(has("rec_dir", "/tmp/rec"));
    CHECK(has("lock_record", "yes"));

    // Talk detection, with stock's defaults and a refused 0.
    auto talk = parse_plugin_config(
        {{"room-9", {{"audiolevel_event", "yes"}, {"audio_level_average", "40"}}}});
    CHECK(talk.warnings.empty());
    CHECK(talk.rooms[0].audiolevel_event);
    CHECK(talk.rooms[0].audio_active_packets == 100);
    CHECK(talk.rooms[0].audio_level_average == 40);
    CHECK_THROWS(parse_plugin_config({{"room-9", {{"audio_active_packets", "0"}}}}));

    // allowed is no stock jcfg option; it must not look like a token check.
    auto allowed = parse_plugin_config({{"room-7", {{"allowed", "abc"}}}});
    REQUIRE(allowed.warnings.size() == 1);
    CHECK_THAT(allowed.warnings[0], Catch::Contains("room-7.allowed"));
    CHECK_FALSE(allowed.rooms[0].check_allowed);

    // An access check we cannot enforce stops the plugin from loading.
    CHECK_THROWS_WITH(parse_plugin_config({{"room-7", {{"signed_tokens", "true"}}}}),
                      Catch::Contains("room-7.signed_tokens") && Catch::Contains("admit anyone"));
    CHECK_THROWS_WITH(parse_plugin_config({{"room-7", {{"require_e2ee", "yes"}}}}),
                      Catch::Contains("room-7.require_e2ee"));
}

TEST_CASE("a permanent room's jcfg items read back into the same settings") {
    swiftcall::room::RoomSettings room;
    room.id = 4242;
    room.description = "Board, 2nd floor";
    room.is_private = true;
    room.secret = "s3";
    room.pin = "1234";
    room.require_pvtid = true;
    room.max_publishers = 9;
    room.bitrate = 256000;
    room.fir_freq = 10;
    room.audiocodecs = {"opus", "pcmu"};
    room.videocodecs = {"h264", "vp8"};
    room.notify_joining = true;
    const auto items = room_config_items(room);
    ConfigSection section(items.begin(), items.end());
    CHECK(section.size() == items.size());  // no key twice
    auto config = parse_plugin_config({{"room-4242", section}});
    CHECK(config.warnings.empty());
    REQUIRE(config.rooms.size() == 1);
    const auto& back = config.rooms[0];
    CHECK(back.id == room.id);
    CHECK(back.description == room.description);
    CHECK(back.is_private);
    CHECK(back.secret == room.secret);
    CHECK(back.pin == room.pin);
    CHECK(back.require_pvtid);
    CHECK(back.max_publishers == 9);
    CHECK(back.bitrate == 256000);
    CHECK(back.fir_freq == 10);
    CHECK(back.audiocodecs == room.audiocodecs);
    CHECK(back.videocodecs == room.videocodecs);
    CHECK(back.notify_joining);

    // The defaults stay out of the file, as stock writes it.
    const auto plain = room_config_items(swiftcall::room::RoomSettings{});
    ConfigSection plain_section(plain.begin(), plain.end());
    CHECK_FALSE(plain_section.count("secret"));
    CHECK_FALSE(plain_section.count("is_private"));
    CHECK(plain_section.at("publishers") == "3");
}
