// Transmitter bench (issue 12, item 4): the sealed fan-out needs ONE kernel
// entry per publisher packet that sends every leg's finished datagram from
// the mmap'd leg array (DESIGN.md section 1). Candidates, all sending slots
// 0..n-1 of the same BPF_F_MMAPABLE array:
//
//   tc    BPF_PROG_RUN of a sched_cls program on a 64 B template: per leg
//         bpf_skb_change_tail + bpf_skb_store_bytes + bpf_clone_redirect
//   xdp   BPF_PROG_RUN of an XDP program, BPF_F_TEST_XDP_LIVE_FRAMES,
//         repeat = n; run k stores datagram k and redirects to the veth
//   ring  AF_PACKET TPACKET_V2 TX ring + PACKET_QDISC_BYPASS, one send()
//   mmsg  AF_PACKET SOCK_RAW + PACKET_QDISC_BYPASS, one sendmmsg()
//
// Phases (peer = the veth end in the receiving namespace):
//   deliver  peer up with GRO (veth needs NAPI for redirected XDP frames),
//            one UDP socket per leg; delivered = datagrams read back
//   xdpdrop  a native XDP program on the peer counts and drops: the
//            receive side shrinks to one XDP run per frame
//   tcdrop   a TC ingress program on the peer counts and drops: the
//            receive side is the veth's netif_rx/backlog (skb modes) or its
//            NAPI building an skb from the frame (xdp), up to L2 ingress
// "Peer down" is no transmit-only phase: veth then refuses every frame and
// the senders see errors (AF_PACKET stops its batch at the first ENOBUFS),
// so it measures failure paths, not the same work.
// Modes are interleaved (rotating order) inside every round; medians of
// rounds are reported, and the ratios matter more than absolute numbers.
//
//   swiftcall_transmit_bench [--smoke] [--rounds R] [--legs-per-block L] [--phase P]
#include "transmit_bench.h"

#include <sched.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "transmit_bench.skel.h"
#include "transmit_datagrams.h"
#include "transmit_lab.h"
#include "transmit_modes.h"
#include "transmit_stats.h"

using namespace txbench;

namespace {

constexpr uint16_t kBasePort = 41000;
constexpr uint32_t kMaxBenchLegs = 200;
// Kernel entries per timed block, for every mode. Each live-frames run
// registers a page pool under one of the kernel's 65534 XDP memory-model ids;
// while its frames sit in a peer socket's queue, the id is only released by
// a deferred retry (>= 1 s, on a kworker that shares our CPU). ~90k runs/s
// at n = 1 exhausted the ids: later runs failed with ENOSPC, for anyone's
// page pool on the machine. 1000 keeps a 9-round bench far below that.
constexpr uint32_t kMaxCallsPerBlock = 1000;

struct Bench {
    TxLab lab;
    transmit_bench* skel = nullptr;
    tb_slot* slots = nullptr;
    Path path;
    std::vector<int> receivers;  // receivers[i] gets leg i
    std::vector<std::unique_ptr<Sender>> senders;
    uint32_t gen = 0;

    Bench() {
        skel = transmit_bench__open_and_load();
        if (!skel)
            throw std::runtime_error("load transmit_bench.bpf.o: " + std::string(strerror(errno)));
        void* m = mmap(nullptr, sizeof(tb_slot) * TB_MAX_LEGS, PROT_READ | PROT_WRITE, MAP_SHARED,
                       bpf_map__fd(skel->maps.legs), 0);
        if (m == MAP_FAILED)
            throw std::runtime_error("mmap leg array: " + std::string(strerror(errno)));
        slots = static_cast<tb_slot*>(m);
        skel->bss->tx_ifindex = static_cast<__u32>(lab.tx_ifindex());
        path = {lab.tx_mac(), lab.peer_mac(), 0x7f000101, 0x7f000102, 40000, kBasePort};
        receivers = lab.bind_receivers(kMaxBenchLegs, kBasePort);
        auto tmpl = template_frame(path);
        senders.push_back(make_tc_sender(skel, tmpl));
        senders.push_back(make_xdp_sender(skel, tmpl, 64));
        senders.push_back(make_ring_sender(lab.tx_ifindex(), slots));
        senders.push_back(make_mmsg_sender(lab.tx_ifindex(), slots));
    }
    ~Bench() {
        senders.clear();
        for (int fd : receivers) close(fd);
        if (slots) munmap(slots, sizeof(tb_slot) * TB_MAX_LEGS);
        transmit_bench__destroy(skel);
    }

    // The "sealer": fresh datagrams for legs 0..n-1 under a new generation.
    void seal(uint32_t n, size_t bytes) {
        gen++;
        for (uint32_t i = 0; i < n; i++) write_slot(slots[i], path, i, gen, bytes);
    }

    // Reads every queued datagram. Counts those whose payload is exactly
    // leg i's at the current generation into `good`; anything else is bad.
    // `exact` compares every byte (smoke), otherwise the (leg, gen) words.
    void drain(uint32_t n, size_t bytes, bool exact, uint64_t& good, uint64_t& bad,
               std::vector<uint32_t>* per_leg) {
        std::vector<uint8_t> buf(2048);
        for (uint32_t i = 0; i < kMaxBenchLegs; i++) {
            std::vector<uint8_t> want;
            if (i < n) want = expected_payload(i, gen, bytes);
            for (;;) {
                ssize_t r = recv(receivers[i], buf.data(), buf.size(), MSG_DONTWAIT);
                if (r < 0) break;
                bool ok = i < n && static_cast<size_t>(r) == want.size() &&
                          (exact ? std::memcmp(buf.data(), want.data(), want.size()) == 0
                                 : std::memcmp(buf.data(), want.data(), 8) == 0);
                (ok ? good : bad)++;
                if (ok && per_leg) (*per_leg)[i]++;
            }
        }
    }
    // Drains until `expect` good datagrams arrived or 300 ms passed quietly.
    void wait_drain(uint64_t expect, uint32_t n, size_t bytes, bool exact, uint64_t& good,
                    uint64_t& bad, std::vector<uint32_t>* per_leg = nullptr) {
        auto quiet_since = std::chrono::steady_clock::now();
        for (;;) {
            uint64_t before = good + bad;
            drain(n, bytes, exact, good, bad, per_leg);
            if (good >= expect) return;
            auto now = std::chrono::steady_clock::now();
            if (good + bad != before) quiet_since = now;
            if (now - quiet_since > std::chrono::milliseconds(300)) return;
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
    }
};

[[noreturn]] void fail(const std::string& why) {
    std::fprintf(stderr, "FAIL: %s\n", why.c_str());
    std::fflush(stdout);
    throw std::runtime_error(why);
}

std::string cfg(const Sender& s, size_t bytes, uint32_t n) {
    return std::string(s.name()) + " " + std::to_string(bytes) + " B n=" + std::to_string(n);
}

// Correctness only: every mode must deliver each datagram it claims, byte
// for byte, to leg i's socket in the peer namespace; and with an XDP
// program on the peer, the program must see every frame sent.
int smoke(Bench& b) {
    b.lab.set_peer_gro(true);
    b.lab.pin_xdp(bpf_program__fd(b.skel->progs.tx_xdp));
    constexpr uint32_t kBatches = 3;
    for (size_t bytes : {150u, 1150u, 1514u})
        for (uint32_t n : {1u, 10u, 200u})
            for (auto& s : b.senders) {
                b.seal(n, bytes);
                for (uint32_t k = 0; k < kBatches; k++) s->send_batch(n);
                BatchResult r = s->collect();
                uint64_t good = 0, bad = 0;
                std::vector<uint32_t> per_leg(kMaxBenchLegs);
                b.wait_drain(uint64_t{kBatches} * n, n, bytes, true, good, bad, &per_leg);
                const std::string c = cfg(*s, bytes, n);
                if (!r.error.empty()) fail(c + ": " + r.error);
                if (r.sent != kBatches * n || r.failed)
                    fail(c + ": claims " + std::to_string(r.sent) + " sent, " +
                         std::to_string(r.failed) + " failed of " + std::to_string(kBatches * n));
                if (bad) fail(c + ": " + std::to_string(bad) + " datagrams not byte-exact");
                for (uint32_t i = 0; i < n; i++)
                    if (per_leg[i] != kBatches)
                        fail(c + ": leg " + std::to_string(i) + " got " +
                             std::to_string(per_leg[i]) + " of " + std::to_string(kBatches));
                std::printf("ok  deliver %-18s %3u x %u datagrams byte-exact in the peer ns\n",
                            c.c_str(), kBatches, n);
            }
    // The bench's drop phases count at the peer's program: check that count.
    for (const char* ph : {"xdpdrop", "tcdrop"}) {
        bool xdp = std::string(ph) == "xdpdrop";
        if (xdp)
            b.lab.set_peer_xdp(bpf_program__fd(b.skel->progs.peer_drop));
        else
            b.lab.set_peer_tc(bpf_program__fd(b.skel->progs.peer_tc_drop));
        for (auto& s : b.senders) {
            b.seal(50, 1150);
            uint64_t seen0 = b.skel->bss->stats.peer_seen;
            s->send_batch(50);
            BatchResult r = s->collect();
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            uint64_t seen = b.skel->bss->stats.peer_seen - seen0;
            const std::string c = cfg(*s, 1150, 50);
            if (!r.error.empty() || r.sent != 50 || seen != 50)
                fail(c + " (" + ph + "): sent " + std::to_string(r.sent) + ", peer saw " +
                     std::to_string(seen) + " " + r.error);
            std::printf("ok  %s %-18s the peer's program saw all 50\n", ph, c.c_str());
        }
        if (xdp)
            b.lab.set_peer_xdp(-1);
        else
            b.lab.set_peer_tc(-1);
    }
    std::printf("smoke: PASS\n");
    return 0;
}

// Facts the bench's set-up rests on, measured, not assumed: what veth does
// with XDP frames when the peer has neither GRO nor XDP, and what a
// live-frames run costs while tx_xdp is not pinned in the XDP dispatcher.
void probes(Bench& b) {
    Sender& x = *b.senders[1];
    b.lab.set_peer_gro(false);
    b.seal(10, 150);
    x.send_batch(10);
    BatchResult r = x.collect();
    uint64_t good = 0, bad = 0;
    b.wait_drain(10, 10, 150, false, good, bad);
    std::printf(
        "probe: xdp live frames to veth, peer GRO off and no peer XDP: program "
        "redirected %llu, peer received %llu%s%s\n",
        static_cast<unsigned long long>(r.sent), static_cast<unsigned long long>(good),
        r.error.empty() ? "" : ", error: ", r.error.c_str());
    b.lab.set_peer_gro(true);
    for (int pinned = 0; pinned < 2; pinned++) {
        if (pinned) b.lab.pin_xdp(bpf_program__fd(b.skel->progs.tx_xdp));
        for (uint32_t n : {1u, 2u, 200u}) {
            b.seal(n, 1150);
            constexpr int kRuns = 50;
            uint64_t t0 = thread_cpu_ns();
            for (int k = 0; k < kRuns; k++) x.send_batch(n);
            uint64_t ns = (thread_cpu_ns() - t0) / kRuns;
            r = x.collect();
            good = bad = 0;
            b.wait_drain(r.sent, n, 1150, false, good, bad);
            std::printf(
                "probe: xdp %s the dispatcher, n=%3u: %7.1f us CPU per BPF_PROG_RUN, "
                "delivered %llu/%u\n",
                pinned ? "pinned in" : "NOT pinned in", n, static_cast<double>(ns) / 1e3,
                static_cast<unsigned long long>(good), kRuns * n);
        }
    }
}

// Machine-wide cross-check at n = 200, 1150 B: each mode sends for ~0.5 s
// while /proc/stat's busy time of ALL CPUs is read, minus an idle block's
// (the background). Tick-based, so long blocks; the other CPU's share
// (IPIs, RCU, kworkers) shows as machine minus thread.
void machine_check(Bench& b, int rounds) {
    constexpr uint32_t n = 200;
    constexpr size_t bytes = 1150;
    const auto block = std::chrono::milliseconds(500);
    for (const char* ph : {"xdpdrop", "tcdrop"}) {
        if (std::string(ph) == "xdpdrop")
            b.lab.set_peer_xdp(bpf_program__fd(b.skel->progs.peer_drop));
        else
            b.lab.set_peer_tc(bpf_program__fd(b.skel->progs.peer_tc_drop));
        std::map<std::string, std::vector<double>> thread, machine;
        std::map<std::string, uint64_t> asked, seen;
        std::vector<double> background;  // busy CPUs while we sleep
        for (int r = 0; r < rounds; r++) {
            uint64_t m0 = machine_busy_ns();
            std::this_thread::sleep_for(block);
            const double idle_rate = static_cast<double>(machine_busy_ns() - m0) /
                                     static_cast<double>(std::chrono::nanoseconds(block).count());
            background.push_back(idle_rate);
            for (size_t k = 0; k < b.senders.size(); k++) {
                Sender& s = *b.senders[(k + static_cast<size_t>(r)) % b.senders.size()];
                b.seal(n, bytes);
                uint64_t seen0 = b.skel->bss->stats.peer_seen, legs = 0;
                auto w0 = std::chrono::steady_clock::now();
                uint64_t t0 = thread_cpu_ns();
                m0 = machine_busy_ns();
                while (std::chrono::steady_clock::now() - w0 < block) {
                    s.send_batch(n);
                    legs += n;
                }
                std::this_thread::sleep_for(std::chrono::milliseconds(20));
                const double wall =
                    static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                            std::chrono::steady_clock::now() - w0)
                                            .count());
                const double mach = static_cast<double>(machine_busy_ns() - m0) - idle_rate * wall;
                thread[s.name()].push_back(static_cast<double>(thread_cpu_ns() - t0) /
                                           static_cast<double>(legs));
                machine[s.name()].push_back(mach / static_cast<double>(legs));
                s.collect();
                asked[s.name()] += legs;
                seen[s.name()] += b.skel->bss->stats.peer_seen - seen0;
            }
        }
        std::printf(
            "\n== machine-wide (all CPUs, /proc/stat, background subtracted), phase %s, "
            "%zu B n=%u, %d x 0.5 s per mode\n",
            ph, bytes, n, rounds);
        // Busy time cannot exceed the CPU count: on a machine someone else
        // keeps busy, our extra work displaces theirs and the difference
        // to the idle block shrinks towards 0. Say so instead of trusting it.
        const double bg = median(background);
        std::printf("background: %.2f busy CPUs of %u while idle%s\n", bg,
                    std::thread::hardware_concurrency(),
                    bg > 0.5 ? " -- WARNING: machine column not meaningful, use thread" : "");
        for (const auto& [m, v] : thread)
            std::printf("%-4s thread %6.0f ns/leg  machine %6.0f ns/leg  peer saw %llu/%llu\n",
                        m.c_str(), median(v), median(machine[m]),
                        static_cast<unsigned long long>(seen[m]),
                        static_cast<unsigned long long>(asked[m]));
        b.lab.set_peer_xdp(-1);
        b.lab.set_peer_tc(-1);
    }
}

int bench(Bench& b, int rounds, uint32_t legs_per_block, int cpu,
          const std::vector<std::string>& phases) {
    const std::vector<size_t> sizes = {1150, 150};
    const std::vector<uint32_t> legs = {1, 10, 50, 200};
    std::vector<std::string> modes;
    for (auto& s : b.senders) modes.push_back(s->name());
    ClockReader clocks(cpu);
    std::map<CellKey, Cell> cells;
    probes(b);  // leaves tx_xdp pinned in the dispatcher for the phases
    for (const auto& ph : phases) {
        if (ph == "xdpdrop") b.lab.set_peer_xdp(bpf_program__fd(b.skel->progs.peer_drop));
        if (ph == "tcdrop") {
            b.lab.set_peer_xdp(-1);
            b.lab.set_peer_tc(bpf_program__fd(b.skel->progs.peer_tc_drop));
        }
        size_t rot = 0;
        for (int r = 0; r < rounds; r++)
            for (size_t bytes : sizes)
                for (uint32_t n : legs) {
                    rot++;
                    for (size_t k = 0; k < b.senders.size(); k++) {
                        Sender& s = *b.senders[(k + rot) % b.senders.size()];
                        Cell& c = cells[{ph, bytes, n, s.name()}];
                        const uint32_t batches =
                            std::min(kMaxCallsPerBlock, std::max(5u, legs_per_block / n));
                        b.seal(n, bytes);
                        uint64_t seen0 = b.skel->bss->stats.peer_seen;
                        Clocks c0 = clocks.now();
                        for (uint32_t i = 0; i < batches; i++) s.send_batch(n);
                        uint64_t t1 = thread_cpu_ns();
                        // Let softirq work the kernel deferred to ksoftirqd finish.
                        std::this_thread::sleep_for(std::chrono::milliseconds(2));
                        Clocks d = clocks.now() - c0;
                        d.thread_ns = t1 - c0.thread_ns;
                        BatchResult br = s.collect();
                        const uint64_t asked = uint64_t{batches} * n;
                        uint64_t good = 0, bad = 0;
                        if (ph == "deliver")
                            b.wait_drain(br.sent, n, bytes, false, good, bad);
                        else
                            good = b.skel->bss->stats.peer_seen - seen0;
                        c.ns_per_leg.push_back(static_cast<double>(d.thread_ns) /
                                               static_cast<double>(asked));
                        c.all_per_leg.push_back(static_cast<double>(d.thread_ns + d.ksoftirqd_ns) /
                                                static_cast<double>(asked));
                        c.total.user_us += d.user_us;
                        c.total.sys_us += d.sys_us;
                        c.total.ksoftirqd_ns += d.ksoftirqd_ns;
                        c.total.softirq_ticks += d.softirq_ticks;
                        c.asked += asked;
                        c.sent += br.sent;
                        c.failed += br.failed;
                        c.delivered += good;
                        if (!br.error.empty()) c.error = br.error;
                    }
                }
        b.lab.set_peer_xdp(-1);
        b.lab.set_peer_tc(-1);
    }
    const int failed = print_report(cells, modes, phases, sizes, legs);
    machine_check(b, 3);
    if (failed) std::printf("\nbench: %d cells had failed or lost legs (FAILED above)\n", failed);
    return failed ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
    bool smoke_only = false;
    std::vector<std::string> phases = {"deliver", "xdpdrop", "tcdrop"};
    int rounds = 9;
    uint32_t legs_per_block = 8000;
    for (int i = 1; i < argc; i++) {
        std::string a = argv[i];
        if (a == "--smoke")
            smoke_only = true;
        else if (a == "--rounds" && i + 1 < argc)
            rounds = std::stoi(argv[++i]);
        else if (a == "--phase" && i + 1 < argc)
            phases = {argv[++i]};
        else if (a == "--legs-per-block" && i + 1 < argc)
            legs_per_block = static_cast<uint32_t>(std::stoul(argv[++i]));
        else {
            std::fprintf(stderr,
                         "usage: %s [--smoke] [--rounds R] [--legs-per-block L] [--phase P]\n",
                         argv[0]);
            return 2;
        }
    }
    if (geteuid() != 0) {
        std::fprintf(stderr, "FAIL: needs root (BPF, network namespaces, AF_PACKET)\n");
        return 1;
    }
    // One CPU for the sender: the veth receive and NAPI it triggers run on
    // the same CPU (no RPS), so its ksoftirqd is the one to watch.
    const int cpu = static_cast<int>(std::thread::hardware_concurrency()) > 1 ? 1 : 0;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (sched_setaffinity(0, sizeof set, &set) < 0) std::perror("sched_setaffinity");
    setvbuf(stdout, nullptr, _IOLBF, 0);
    try {
        Bench b;
        return smoke_only ? smoke(b) : bench(b, rounds, legs_per_block, cpu, phases);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "FAIL: %s\n", e.what());
        return 1;
    }
}
