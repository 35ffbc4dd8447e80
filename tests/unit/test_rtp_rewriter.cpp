#include <catch2/catch.hpp>

#include "media/rtp_rewriter.h"

using namespace swiftcall::media;

TEST_CASE("one source passes through with its own numbering") {
    RtpRewriter r;
    auto a = r.rewrite(1, 100, 5000, 90000, 0);
    auto b = r.rewrite(1, 101, 8000, 90000, 33000);
    CHECK(a.sequence == 100);
    CHECK(b.sequence == 101);
    CHECK(b.timestamp - a.timestamp == 3000);
}

TEST_CASE("switching source continues sequence numbers without a gap") {
    RtpRewriter r;
    r.rewrite(1, 100, 5000, 90000, 0);
    auto last = r.rewrite(1, 101, 8000, 90000, 33000);
    auto first_new = r.rewrite(2, 40000, 123456, 90000, 66000);
    CHECK(first_new.sequence == static_cast<uint16_t>(last.sequence + 1));
    // clock advanced by the 33 ms of wall time between the two packets
    CHECK(first_new.timestamp - last.timestamp == 2970);
    auto next = r.rewrite(2, 40001, 126456, 90000, 99000);
    CHECK(next.sequence == static_cast<uint16_t>(last.sequence + 2));
    CHECK(next.timestamp - first_new.timestamp == 3000);
}

TEST_CASE("sequence numbers wrap at 65535") {
    RtpRewriter r;
    auto a = r.rewrite(1, 65535, 0, 48000, 0);
    auto b = r.rewrite(1, 0, 960, 48000, 20000);
    CHECK(a.sequence == 65535);
    CHECK(b.sequence == 0);
}

TEST_CASE("skipped packets leave no gap for the subscriber") {
    RtpRewriter r;
    r.rewrite(1, 10, 0, 90000, 0);
    r.skip(1, 11);
    r.skip(1, 12);
    auto out = r.rewrite(1, 13, 3000, 90000, 1000);
    CHECK(out.sequence == 11);
    // a late duplicate skip of an old packet must not shift numbering again
    r.skip(1, 12);
    CHECK(r.rewrite(1, 14, 6000, 90000, 2000).sequence == 12);
}

TEST_CASE("a forced resync of the same SSRC also continues numbering") {
    RtpRewriter r;
    r.rewrite(7, 500, 0, 90000, 0);
    r.force_resync();
    auto out = r.rewrite(7, 9, 77, 90000, 1000);
    CHECK(out.sequence == 501);
}
