// The bpf tests run in a network namespace of their own so that their veth
// pair and addresses can never touch the host or other agents, and vanish
// with the process even when a test fails. They need root (CAP_BPF,
// CAP_NET_ADMIN, CAP_SYS_ADMIN) and fail loudly without it: never skip.
#define CATCH_CONFIG_RUNNER
#include <sched.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>

int main(int argc, char** argv) {
    if (unshare(CLONE_NEWNET) != 0) {
        std::fprintf(stderr, "FATAL: unshare(CLONE_NEWNET): %s (bpf tests need root)\n",
                     std::strerror(errno));
        return 2;
    }
    return Catch::Session().run(argc, argv);
}
