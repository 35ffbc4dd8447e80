#include "datapath/transmitter.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_ether.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "swiftcall_tx_bpf.skel.h"

namespace swiftcall::datapath {
namespace {

std::string errstr(const std::string& what, int err) {
    return what + ": " + std::strerror(err < 0 ? -err : err);
}

// The frame each run starts from. The kernel's test run parses its Ethernet
// header (eth_type_trans), so skb->protocol, which every clone inherits, is
// IPv4's; an IPv6 leg's frame goes out with it too, which matters only to a
// qdisc or egress filter that classifies on skb->protocol (the receiver
// parses the frame's own ethertype). Its bytes are overwritten by the first
// slot.
std::vector<uint8_t> template_frame() {
    std::vector<uint8_t> f(SC_TX_MIN_FRAME, 0);
    f[12] = ETH_P_IP >> 8;
    f[13] = ETH_P_IP & 0xff;
    f[14] = 0x45;
    return f;
}

// TC_ACT_SHOT: what sc_tx returns, so the template goes nowhere.
constexpr uint32_t kShot = 2;

}  // namespace

struct Transmitter::Impl {
    swiftcall_tx_bpf* skel = nullptr;
    sc_tx_slot* slots = nullptr;
    size_t mapped_bytes = 0;
    int prog_fd = -1;
    int counters_fd = -1;
    std::vector<uint8_t> tmpl = template_frame();

    ~Impl() {
        if (slots) munmap(slots, mapped_bytes);
        swiftcall_tx_bpf__destroy(skel);
    }
};

std::unique_ptr<Transmitter> Transmitter::open(uint32_t ring_slots) {
    if (ring_slots == 0 || ring_slots > SC_TX_SLOTS_MAX)
        throw std::invalid_argument("transmitter ring: " + std::to_string(ring_slots) +
                                    " slots, want 1.." + std::to_string(SC_TX_SLOTS_MAX));
    auto impl = std::make_unique<Impl>();
    impl->skel = swiftcall_tx_bpf__open();
    if (!impl->skel) throw DatapathError(errstr("open transmitter skeleton", errno));
    impl->skel->rodata->ring_slots = ring_slots;
    bpf_map__set_max_entries(impl->skel->maps.sc_tx_ring, ring_slots);
    int rc = swiftcall_tx_bpf__load(impl->skel);
    if (rc) throw DatapathError(errstr("load transmitter program", rc));
    // An mmap-able array's values are laid out back to back, each rounded
    // up to 8 bytes (sc_tx_slot is a multiple of 8: swiftcall_abi.h).
    const long page = sysconf(_SC_PAGESIZE);
    impl->mapped_bytes = (size_t{ring_slots} * sizeof(sc_tx_slot) + static_cast<size_t>(page) - 1) /
                         static_cast<size_t>(page) * static_cast<size_t>(page);
    void* m = mmap(nullptr, impl->mapped_bytes, PROT_READ | PROT_WRITE, MAP_SHARED,
                   bpf_map__fd(impl->skel->maps.sc_tx_ring), 0);
    if (m == MAP_FAILED) throw DatapathError(errstr("mmap transmitter ring", errno));
    impl->slots = static_cast<sc_tx_slot*>(m);
    impl->prog_fd = bpf_program__fd(impl->skel->progs.sc_tx);
    impl->counters_fd = bpf_map__fd(impl->skel->maps.sc_tx_counters);
    return std::unique_ptr<Transmitter>(new Transmitter(std::move(impl), ring_slots));
}

Transmitter::Transmitter(std::unique_ptr<Impl> impl, uint32_t ring_slots)
    : impl_(std::move(impl)), ring_(ring_slots) {}

Transmitter::~Transmitter() = default;

sc_tx_slot& Transmitter::slot(uint32_t i) { return impl_->slots[i % capacity()]; }

TransmitResult Transmitter::transmit(const RingBatch& batch) {
    TransmitResult r;
    if (!batch.count) return r;
    for (uint32_t k = 0; k < batch.count; ++k)
        slot(ring_.slot(batch, k)).result = SC_TX_RESULT_PENDING;
    // The batch travels in the run's own context (cb[]), not in shared
    // program memory, so concurrent runs need no lock.
    __sk_buff ctx{};
    ctx.cb[SC_TX_CB_FIRST] = batch.first;
    ctx.cb[SC_TX_CB_COUNT] = batch.count;
    LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = impl_->tmpl.data(),
                .data_size_in = static_cast<__u32>(impl_->tmpl.size()), .ctx_in = &ctx,
                .ctx_size_in = sizeof ctx, .repeat = 1);
    const int rc = bpf_prog_test_run_opts(impl_->prog_fd, &o);
    if (rc < 0) {
        r.error = errstr("BPF_PROG_RUN sc_tx", errno ? errno : -rc);
    } else if (o.retval != kShot) {
        r.error = "sc_tx returned " + std::to_string(o.retval);
    }
    for (uint32_t k = 0; k < batch.count; ++k) {
        const uint32_t res = slot(ring_.slot(batch, k)).result;
        if (res == SC_TX_SENT)
            ++r.sent;
        else if (res != SC_TX_RESULT_PENDING)
            ++r.dropped;
    }
    if (r.error.empty() && r.sent + r.dropped < batch.count)
        r.error = "sc_tx refused the batch of " + std::to_string(batch.count) + " from slot " +
                  std::to_string(batch.first) + " (over SC_TX_MAX_BATCH or outside the ring)";
    return r;
}

std::array<uint64_t, SC_TX_RESULT_MAX> Transmitter::counters() const {
    std::array<uint64_t, SC_TX_RESULT_MAX> total{};
    const int cpus = libbpf_num_possible_cpus();
    if (cpus <= 0) return total;
    std::vector<uint64_t> per_cpu(static_cast<size_t>(cpus));
    for (uint32_t r = 0; r < SC_TX_RESULT_MAX; ++r) {
        if (bpf_map_lookup_elem(impl_->counters_fd, &r, per_cpu.data())) continue;
        for (uint64_t v : per_cpu) total[r] += v;
    }
    return total;
}

const char* Transmitter::result_name(uint32_t result) {
#define SC_TX_NAME_ENTRY(name, counter, why) counter,
    static constexpr const char* kNames[] = {SC_TX_RESULTS(SC_TX_NAME_ENTRY)};
#undef SC_TX_NAME_ENTRY
    if (result == SC_TX_RESULT_PENDING) return "pending";
    return result < SC_TX_RESULT_MAX ? kNames[result] : "unknown";
}

}  // namespace swiftcall::datapath
