#include <catch2/catch.hpp>

#include "media/simulcast_selector.h"

using namespace swiftcall::media;

TEST_CASE("substream switches wait for a keyframe of the target") {
    SimulcastSelector s;
    s.set_target(2, 2);
    // Only substream 0 and 2 arrive; the first keyframe on the target wins.
    auto d = s.process(2, false, std::nullopt, false, 0);
    CHECK_FALSE(d.forward);
    CHECK(d.need_keyframe);
    d = s.process(2, true, std::nullopt, false, 1000);
    CHECK(d.forward);
    CHECK(d.substream_changed);
    CHECK(s.substream() == 2);
    CHECK_FALSE(s.process(0, true, std::nullopt, false, 2000).forward);
    // Going down: keep forwarding 2 until 0 has a keyframe.
    s.set_target(0, std::nullopt);
    CHECK(s.process(2, false, std::nullopt, false, 3000).forward);
    CHECK_FALSE(s.process(0, false, std::nullopt, false, 3100).forward);
    d = s.process(0, true, std::nullopt, false, 3200);
    CHECK(d.forward);
    CHECK(s.substream() == 0);
    CHECK_FALSE(s.process(2, false, std::nullopt, false, 3300).forward);
}

TEST_CASE("a lower substream is used while the target has not started") {
    SimulcastSelector s;
    s.set_target(2, 2);
    auto d = s.process(0, true, std::nullopt, false, 0);
    CHECK(d.forward);
    CHECK(s.substream() == 0);
    d = s.process(1, true, std::nullopt, false, 100);
    CHECK(d.forward);
    CHECK(s.substream() == 1);
}

TEST_CASE("temporal layers above the target are dropped") {
    SimulcastSelector s;
    s.set_target(0, 0);
    CHECK(s.process(0, true, 0, true, 0).forward);
    CHECK_FALSE(s.process(0, false, 1, false, 10).forward);
    CHECK_FALSE(s.process(0, false, 2, false, 20).forward);
    CHECK(s.process(0, false, 0, false, 30).forward);
    s.set_target(std::nullopt, 2);
    // moving up waits for a layer sync point
    auto d = s.process(0, false, 2, true, 40);
    CHECK(d.forward);
    CHECK(d.temporal_changed);
}

TEST_CASE("out-of-range substreams are never forwarded") {
    SimulcastSelector s;
    CHECK_FALSE(s.process(-1, true, std::nullopt, false, 0).forward);
    CHECK_FALSE(s.process(3, true, std::nullopt, false, 0).forward);
}
