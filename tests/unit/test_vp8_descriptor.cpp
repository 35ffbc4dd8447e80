#include <catch2/catch.hpp>

#include <vector>

#include "media/vp8_descriptor.h"

using namespace swiftcall::media;

namespace {
// X=1 S=1 PID=0; I L T set; 15-bit picture id; TL0PICIDX; TID/Y; payload.
std::vector<uint8_t> descriptor(uint16_t pid, uint8_t tl0, uint8_t tid, bool sync, bool key) {
    return {0x90, 0xE0, static_cast<uint8_t>(0x80 | (pid >> 8)), static_cast<uint8_t>(pid), tl0,
            static_cast<uint8_t>(tid << 6 | (sync ? 0x20 : 0)),
            static_cast<uint8_t>(key ? 0x10 : 0x11), 0x02, 0x03};
}
}  // namespace

TEST_CASE("VP8 descriptor fields are read") {
    auto bytes = descriptor(0x1234, 7, 2, true, true);
    auto d = Vp8Descriptor::parse(bytes);
    REQUIRE(d);
    CHECK(d->keyframe);
    CHECK(*d->picture_id == 0x1234);
    CHECK(d->picture_id_15bit);
    CHECK(*d->tl0picidx == 7);
    CHECK(*d->temporal_id == 2);
    CHECK(d->layer_sync);
    CHECK(d->size == 6);
    auto delta = Vp8Descriptor::parse(descriptor(1, 1, 0, false, false));
    REQUIRE(delta);
    CHECK_FALSE(delta->keyframe);
}

TEST_CASE("truncated VP8 descriptors are rejected") {
    auto bytes = descriptor(0x1234, 7, 2, true, true);
    for (size_t len = 1; len < 6; len++)
        CHECK_FALSE(Vp8Descriptor::parse(std::span<const uint8_t>(bytes.data(), len)));
    CHECK_FALSE(Vp8Descriptor::parse({}));
}

TEST_CASE("picture ids stay continuous across a simulcast switch") {
    Vp8ContinuityRewriter rewriter;
    auto a = descriptor(100, 10, 0, false, true);
    rewriter.apply(a, *Vp8Descriptor::parse(a));
    auto b = descriptor(101, 11, 0, false, false);
    rewriter.apply(b, *Vp8Descriptor::parse(b));
    CHECK(*Vp8Descriptor::parse(b)->picture_id == 101);
    rewriter.on_switch();
    auto c = descriptor(5000, 200, 0, false, true);
    rewriter.apply(c, *Vp8Descriptor::parse(c));
    auto parsed = Vp8Descriptor::parse(c);
    CHECK(*parsed->picture_id == 102);
    CHECK(*parsed->tl0picidx == 12);
    auto d = descriptor(5001, 201, 0, false, false);
    rewriter.apply(d, *Vp8Descriptor::parse(d));
    CHECK(*Vp8Descriptor::parse(d)->picture_id == 103);
}
