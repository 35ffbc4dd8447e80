#include <catch2/catch.hpp>

#include "room/participants.h"

using swiftcall::room::KernelLegState;

// The hand-over rule between the user path and a kernel leg: user space
// skips exactly what the kernel cloned to the leg, nothing more.
TEST_CASE("Before the kernel's first clone to a leg, user space sends everything") {
    KernelLegState k;
    k.serving = true;  // leg in the maps, first clone not seen yet
    CHECK_FALSE(k.kernel_sent(100, true));
    CHECK_FALSE(k.may_cover(100));
}

TEST_CASE("While serving, packets from the first clone on are the kernel's if the window says so") {
    KernelLegState k;
    k.serving = true;
    k.first_index = 500;
    CHECK_FALSE(k.kernel_sent(499, true));  // went before the leg joined
    CHECK(k.kernel_sent(500, true));
    CHECK(k.kernel_sent(90000, true));
    CHECK_FALSE(k.kernel_sent(600, false));  // the kernel declined or a leg failed
}

TEST_CASE("After the leg left, only its closed period is skipped") {
    KernelLegState k;
    k.serving = false;
    k.prev_first = 500;
    k.prev_last = 700;
    CHECK(k.kernel_sent(500, true));
    CHECK(k.kernel_sent(700, true));
    CHECK_FALSE(k.kernel_sent(701, true));  // after the leg left: user path
    CHECK_FALSE(k.kernel_sent(499, true));
    CHECK_FALSE(k.may_cover(701));
}

TEST_CASE("Re-joined leg: the previous period still covers late packets") {
    KernelLegState k;
    k.prev_first = 500;
    k.prev_last = 700;
    k.serving = true;
    k.first_index = 900;
    CHECK(k.kernel_sent(650, true));        // late packet of the old period
    CHECK_FALSE(k.kernel_sent(800, true));  // the user period in between
    CHECK(k.kernel_sent(900, true));
}
