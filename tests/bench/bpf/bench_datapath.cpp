// Kernel datapath bench: CPU time per leg of BPF_PROG_TEST_RUN (one packet
// repeated in the kernel; replay check disabled at load, thread CPU clock) for
// 1/10/100/1000 legs, each leg profile, 1100 B and 100 B payloads, publisher
// CM-80, best of a few batches. Prints ns per leg ((t(legs) - t(0 legs)) / legs)
// and the clones per second one core sustains at that cost.
//
//   swiftcall_bpf_bench [--quick | --smoke]
//
// --smoke (ctest, label bench): 1 and 10 legs, 1100 B, both crypto paths,
// no timing claims; exits non-zero unless every run cloned to every leg and
// the prefilled runs took the keystream path.
#include <bpf/bpf.h>
#include <sched.h>
#include <time.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "srtp_peer.h"
#include "testbed.h"

using namespace sctest;

namespace {

const char* name(uint16_t p) {
    switch (p) {
        case SC_PROFILE_AES128_CM_SHA1_80:
            return "CM-80";
        case SC_PROFILE_AES128_CM_SHA1_32:
            return "CM-32";
        case SC_PROFILE_AEAD_AES_128_GCM:
            return "GCM-128";
        case SC_PROFILE_AEAD_AES_256_GCM:
            return "GCM-256";
    }
    return "?";
}

// Legs that were not cloned to on every run (checked by --smoke).
size_t g_missed_legs = 0;

// Average BPF run time (ns) of `runs` packets with `legs` legs of `out`.
double measure(uint16_t out, size_t legs, size_t payload, int runs, bool prefill) {
    auto& d = datapath();
    const uint32_t ssrc = fresh_ssrc();
    const auto key = master(SC_PROFILE_AES128_CM_SHA1_80, 1);
    SrtpPeer pub(key, ssrc, false);
    d.set_stream(kPublisher, ssrc, key);
    std::vector<uint32_t> ids;
    for (size_t i = 0; i < legs; ++i) {
        const uint32_t id = fresh_leg_id();
        d.set_leg(id, leg_to(uint16_t(30000 + i), out, uint8_t(i), uint32_t(0x9000 + i)));
        ids.push_back(id);
    }
    d.set_stream_legs(kPublisher, ssrc, ids);
    // Warm-up packet (first packet of a stream takes the slow paths).
    uint16_t seq = 1;
    auto packet = [&] {
        RtpSpec s;
        s.ssrc = ssrc;
        s.seq = seq++;
        s.payload = payload;
        return frame(pub.protect(rtp_packet(s)));
    };
    test_run(packet());
    // One packet repeated `repeat` times in the kernel (the bench build of the
    // program accepts replays). Timed with this thread's CPU clock, not the
    // test run's wall-clock duration: the two cores are shared with other
    // work and a preempted run would count the other work too. Best of
    // `runs` batches.
    const int repeat = legs >= 1000 ? 2 : legs >= 100 ? 10 : 100;
    const auto f = packet();
    if (prefill)
        for (auto id : ids) d.prefill_keystreams(id, seq - 1 + 1000, 1);
    std::vector<double> samples;
    for (int r = 0; r < runs; ++r) {
        LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = f.data(),
                    .data_size_in = static_cast<uint32_t>(f.size()), .repeat = repeat);
        timespec a{}, b{};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a);
        if (bpf_prog_test_run_opts(d.program_fd(), &opts) != 0)
            throw std::runtime_error("test run");
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b);
        samples.push_back(((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / repeat);
    }
    // Every run went through every leg (a clone sent, or refused by the
    // downed peer: the program built it either way).
    for (auto id : ids) {
        const auto c = d.leg_counters(id);
        if (c.packets + c.errors < uint64_t(runs) * repeat) ++g_missed_legs;
    }
    for (auto id : ids) d.remove_leg(id);
    d.remove_stream(kPublisher, ssrc);
    return *std::min_element(samples.begin(), samples.end());
}

}  // namespace

int main(int argc, char** argv) {
    const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
    const bool smoke = argc > 1 && std::strcmp(argv[1], "--smoke") == 0;
    if (unshare(CLONE_NEWNET) != 0) {
        std::perror("unshare(CLONE_NEWNET) (needs root)");
        return 2;
    }
    lab().set_peer_up(false);
    set_datapath_options({.bench_allow_replay = true});
    auto& d = datapath();
    std::printf("program: %s\n", d.verifier_stats().c_str());
    const std::vector<size_t> leg_counts = smoke   ? std::vector<size_t>{1, 10}
                                           : quick ? std::vector<size_t>{1, 10, 100}
                                                   : std::vector<size_t>{1, 10, 100, 1000};
    const std::vector<size_t> payloads =
        smoke ? std::vector<size_t>{1100} : std::vector<size_t>{1100, 100};
    const uint16_t profiles[] = {SC_PROFILE_AES128_CM_SHA1_80, SC_PROFILE_AES128_CM_SHA1_32,
                                 SC_PROFILE_AEAD_AES_128_GCM, SC_PROFILE_AEAD_AES_256_GCM};
    for (bool prefill : {false, true})
        for (size_t payload : payloads) {
            const double base = measure(SC_PROFILE_AES128_CM_SHA1_80, 0, payload, 7, false);
            std::printf(
                "\n%s; publisher CM-80, payload %zu B: verify+decrypt, 0 legs: %.0f ns/packet\n",
                prefill ? "KEYSTREAM PREFILLED (AES-NI in user space, XOR in BPF)"
                        : "AES IN BPF BYTECODE",
                payload, base);
            std::printf("%-8s %6s %14s %14s %16s\n", "leg", "legs", "ns/packet", "ns/leg",
                        "clones/s/core");
            for (auto p : profiles) {
                for (size_t legs : leg_counts) {
                    const int runs = legs >= 1000 ? 3 : 5;
                    const double t = measure(p, legs, payload, runs, prefill);
                    const double per_leg = (t - base) / double(legs);
                    std::printf("%-8s %6zu %14.0f %14.0f %16.0f\n", name(p), legs, t, per_leg,
                                1e9 / per_leg);
                }
            }
        }
    const auto r = d.reason_counters();
    std::printf("\nclones sent %llu, clones dropped by the downed veth peer %llu\n",
                (unsigned long long)r[SC_R_CLONES], (unsigned long long)r[SC_R_LEG_ERROR]);
    if (g_missed_legs) {
        std::printf("FAIL: %zu legs were not cloned to on every run\n", g_missed_legs);
        return 1;
    }
    return 0;
}
