#include "datapath/kernel_datapath.h"

#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <net/if.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <unordered_map>

#include "datapath/aes_tables.h"
#include "datapath/ghash_table.h"
#include "datapath/keystream.h"
#include "swiftcall_bpf.skel.h"

namespace swiftcall::datapath {
namespace {

// BPF_TCX_INGRESS (Linux 6.6); Debian 12's UAPI headers predate it.
constexpr int kTcxIngress = 46;
// Handle/priority of the classic clsact fallback, fixed so a restart can
// find and remove a filter a crashed process left behind.
constexpr uint32_t kClsactHandle = 0x5c17;
constexpr uint32_t kClsactPriority = 0x5c17;

std::string errstr(const std::string& what, int err) {
    return what + ": " + std::strerror(err < 0 ? -err : err);
}

void check(int rc, const std::string& what) {
    if (rc < 0) throw DatapathError(errstr(what, errno ? errno : -rc));
}

unsigned if_index(const std::string& ifname) {
    const unsigned idx = if_nametoindex(ifname.c_str());
    if (!idx) throw DatapathError(errstr("no interface " + ifname, errno));
    return idx;
}

sc_stream_key stream_key(uint32_t publisher_id, uint32_t ssrc) {
    sc_stream_key k{};
    k.publisher_id = publisher_id;
    k.ssrc = ssrc;
    return k;
}

void remove_clsact_filter(unsigned ifindex) {
    LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = static_cast<int>(ifindex),
                .attach_point = BPF_TC_INGRESS);
    LIBBPF_OPTS(bpf_tc_opts, opts, .handle = kClsactHandle, .priority = kClsactPriority);
    // Absent (no clsact, no filter) is the normal case: keep libbpf quiet.
    auto* previous = libbpf_set_print(nullptr);
    bpf_tc_detach(&hook, &opts);
    libbpf_set_print(previous);
}

// The forwarded-window rule (sc_stream_state::fwd_slot): a slot vouches only
// for the index it holds. (Slots are __u64 in the map, uint64_t once copied.)
template <typename Slot>
bool slot_marks(const Slot* slots, size_t n, uint64_t index) {
    return n != 0 && slots[index % n] == index + 1;
}

}  // namespace

bool ForwardedWindow::forwarded(uint64_t index) const {
    return slot_marks(slots.data(), slots.size(), index);
}

sc_flow_key make_flow_key(const UdpTuple& t) {
    sc_flow_key k{};
    k.family = t.family;
    const size_t n = t.family == SC_AF_INET ? 4 : 16;
    std::memcpy(k.saddr, t.saddr.data(), n);
    std::memcpy(k.daddr, t.daddr.data(), n);
    k.sport = htons(t.sport);
    k.dport = htons(t.dport);
    return k;
}

sc_leg make_leg_value(const LegParams& leg) {
    sc_leg v{};
    v.enabled = leg.enabled ? 1 : 0;
    v.ifindex = leg.ifindex;
    v.family = leg.tuple.family;
    v.ttl = leg.ttl;
    std::memcpy(v.smac, leg.smac.data(), 6);
    std::memcpy(v.dmac, leg.dmac.data(), 6);
    const size_t n = leg.tuple.family == SC_AF_INET ? 4 : 16;
    std::memcpy(v.saddr, leg.tuple.saddr.data(), n);
    std::memcpy(v.daddr, leg.tuple.daddr.data(), n);
    v.sport = htons(leg.tuple.sport);
    v.dport = htons(leg.tuple.dport);
    v.ssrc = leg.ssrc;
    v.index_delta = leg.index_delta & 0xffffffffffffULL;
    v.ts_delta = leg.ts_delta;
    if (leg.payload_type)
        v.payload_type = static_cast<uint8_t>(SC_PT_REWRITE | (*leg.payload_type & 0x7f));
    std::memcpy(v.ext_map, leg.ext_map.data(), SC_EXT_IDS);
    v.out = make_kernel_key(leg.out);
    return v;
}

struct KernelDatapath::Impl {
    swiftcall_bpf* skel = nullptr;
    std::map<std::string, int> links;  // ifname -> tcx link fd (or -1: clsact)
    std::map<std::string, unsigned> clsact;
    std::map<std::pair<uint32_t, uint32_t>, std::vector<uint32_t>> stream_legs;
    // Per caller leg id: the kernel id of its current (immutable) sc_legs
    // value (see sc_leg.stats_id) and a copy of that value, which
    // set_leg_enabled starts from and whose ssrc, index_delta, ks_ring and
    // ks_owner the keystream writer uses; the keystream maker of its key.
    // The refill reads kernel_id..prefilled_to and the head of `value` for
    // every leg of a stream on every packet: they come first, on one line,
    // ahead of the key tables.
    struct Leg {
        uint32_t kernel_id = 0;
        std::unique_ptr<KeystreamMaker> maker;
        std::optional<uint64_t> prefilled_to;  // highest out index prefilled
        sc_leg value{};
    };
    // Unordered: one bucket step per lookup instead of a tree walk through
    // 8 KB nodes (the refill looks up every leg on every packet). Element
    // references stay valid across inserts.
    std::unordered_map<uint32_t, Leg> legs;
    uint32_t last_kernel_id = 0;
    // Each stream's slot in sc_stream_legs_map (index + 1).
    std::map<std::pair<uint32_t, uint32_t>, uint32_t> stream_slots;
    std::vector<uint32_t> free_stream_slots;
    // sc_keystreams, mapped shared: keystreams are written in place.
    sc_keystream* ks_slots = nullptr;
    size_t ks_bytes = 0;
    std::vector<uint32_t> free_rings;  // 1-based ring numbers
    // Largest RTP packet seen per stream: keystream length of its refills.
    std::map<std::pair<uint32_t, uint32_t>, uint32_t> stream_max_packet;
    uint32_t last_owner = 0;
    // refill_keystreams' work list (slots first..last of leg), kept to
    // reuse its allocation.
    struct RefillTodo {
        Leg* leg;
        uint64_t first, last;
    };
    std::vector<RefillTodo> refill_todo;

    uint32_t next_owner() {
        if (++last_owner == 0) ++last_owner;  // 0 means "no keystreams"
        return last_owner;
    }

    sc_keystream& slot(uint32_t ring, uint64_t index) {
        return ks_slots[(ring - 1) * SC_KS_SLOTS + uint32_t(index % SC_KS_SLOTS)];
    }

    // Seqlock writer (the program is the reader, sc_keystream_get): seq odd
    // while `write` changes the slot, so a run that overlaps it drops its clone.
    template <class Write>
    static void seqlocked(sc_keystream& ks, Write&& write) {
        std::atomic_ref<uint32_t> seq(ks.seq);
        const uint32_t even = seq.load(std::memory_order_relaxed) & ~1u;
        seq.store(even + 1, std::memory_order_relaxed);
        std::atomic_thread_fence(std::memory_order_release);
        write(ks);
        std::atomic_thread_fence(std::memory_order_release);
        seq.store(even + 2, std::memory_order_relaxed);
    }

    void write_slot(Leg& l, uint64_t index, uint32_t len = SC_KS_BYTES) {
        seqlocked(slot(l.value.ks_ring, index), [&](sc_keystream& ks) {
            l.maker->fill(l.value.ssrc, index, ks, len);
            ks.owner = l.value.ks_owner;
        });
    }

    // A ring handed to a new leg starts with no slot any owner accepts.
    void clear_ring(uint32_t ring) {
        for (uint32_t i = 0; i < SC_KS_SLOTS; ++i)
            seqlocked(slot(ring, i), [](sc_keystream& ks) { ks.owner = 0; });
    }

    ~Impl() {
        if (ks_slots) munmap(ks_slots, ks_bytes);
        for (auto& [name, fd] : links)
            if (fd >= 0) close(fd);
        for (auto& [name, idx] : clsact) remove_clsact_filter(idx);
        swiftcall_bpf__destroy(skel);
    }
    int fd(const bpf_map* m) const { return bpf_map__fd(m); }
};

KernelDatapath::KernelDatapath(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
KernelDatapath::~KernelDatapath() = default;

std::unique_ptr<KernelDatapath> KernelDatapath::open(const OpenOptions& options) {
    auto impl = std::make_unique<Impl>();
    impl->skel = swiftcall_bpf__open();
    if (!impl->skel) throw DatapathError(errstr("open BPF skeleton", errno));
    const auto& t = aes_tables();
    auto* ro = impl->skel->rodata;
    for (int i = 0; i < 256; ++i) {
        const_cast<uint32_t*>(ro->sc_te0)[i] = t.te0[i];
        const_cast<uint32_t*>(ro->sc_te1)[i] = t.te1[i];
        const_cast<uint32_t*>(ro->sc_te2)[i] = t.te2[i];
        const_cast<uint32_t*>(ro->sc_te3)[i] = t.te3[i];
        const_cast<uint32_t*>(ro->sc_sbox)[i] = t.sbox[i];
        const_cast<__u64*>(ro->sc_gcm_r8)[i] = ghash_reduction_table()[i];
    }
    ro->sc_bench_allow_replay = options.bench_allow_replay ? 1 : 0;
    const uint32_t rings = std::min<uint32_t>(options.keystream_legs, SC_KS_RINGS_MAX);
    // An array map needs one entry at least: 0 rings keeps one unused ring.
    bpf_map__set_max_entries(impl->skel->maps.sc_keystreams, std::max(rings, 1u) * SC_KS_SLOTS);
    int rc = swiftcall_bpf__load(impl->skel);
    if (rc) throw DatapathError(errstr("load/verify BPF program", rc));
    const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    impl->ks_bytes =
        (sizeof(sc_keystream) * std::max(rings, 1u) * SC_KS_SLOTS + page - 1) / page * page;
    void* slots = mmap(nullptr, impl->ks_bytes, PROT_READ | PROT_WRITE, MAP_SHARED,
                       bpf_map__fd(impl->skel->maps.sc_keystreams), 0);
    if (slots == MAP_FAILED) throw DatapathError(errstr("mmap keystream map", errno));
    impl->ks_slots = static_cast<sc_keystream*>(slots);
    for (uint32_t r = rings; r >= 1; --r) impl->free_rings.push_back(r);
    for (uint32_t slot = SC_MAX_STREAMS; slot >= 1; --slot) impl->free_stream_slots.push_back(slot);
    return std::unique_ptr<KernelDatapath>(new KernelDatapath(std::move(impl)));
}

void KernelDatapath::attach(const std::string& ifname) {
    if (impl_->links.count(ifname)) return;
    const unsigned idx = if_index(ifname);
    // A filter left by a crashed process that had to use the clsact
    // fallback would double every clone: remove it first.
    remove_clsact_filter(idx);
    const int prog = bpf_program__fd(impl_->skel->progs.swiftcall_ingress);
    int link = bpf_link_create(prog, static_cast<int>(idx),
                               static_cast<bpf_attach_type>(kTcxIngress), nullptr);
    if (link >= 0) {
        impl_->links[ifname] = link;
        return;
    }
    // Kernels before 6.6: classic clsact. It outlives the process; the
    // destructor and the next attach() remove it.
    LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = static_cast<int>(idx),
                .attach_point = BPF_TC_INGRESS);
    int rc = bpf_tc_hook_create(&hook);
    if (rc && rc != -EEXIST) throw DatapathError(errstr("create clsact on " + ifname, rc));
    LIBBPF_OPTS(bpf_tc_opts, opts, .prog_fd = prog, .handle = kClsactHandle,
                .priority = kClsactPriority);
    rc = bpf_tc_attach(&hook, &opts);
    if (rc) throw DatapathError(errstr("attach TC ingress on " + ifname, rc));
    impl_->links[ifname] = -1;
    impl_->clsact[ifname] = idx;
}

void KernelDatapath::detach(const std::string& ifname) {
    auto it = impl_->links.find(ifname);
    if (it == impl_->links.end()) return;
    if (it->second >= 0) close(it->second);
    impl_->links.erase(it);
    auto c = impl_->clsact.find(ifname);
    if (c != impl_->clsact.end()) {
        remove_clsact_filter(c->second);
        impl_->clsact.erase(c);
    }
}

std::string KernelDatapath::attach_mode(const std::string& ifname) const {
    auto it = impl_->links.find(ifname);
    if (it == impl_->links.end()) return "";
    return it->second >= 0 ? "tcx" : "clsact";
}

void KernelDatapath::add_flow(const UdpTuple& ingress, uint32_t publisher_id) {
    const auto k = make_flow_key(ingress);
    sc_flow_value v{};
    v.publisher_id = publisher_id;
    check(bpf_map_update_elem(impl_->fd(impl_->skel->maps.sc_flows), &k, &v, BPF_ANY), "add flow");
}

void KernelDatapath::remove_flow(const UdpTuple& ingress) {
    const auto k = make_flow_key(ingress);
    bpf_map_delete_elem(impl_->fd(impl_->skel->maps.sc_flows), &k);
}

void KernelDatapath::set_stream(uint32_t publisher_id, uint32_t ssrc, const SrtpMaster& in,
                                uint32_t roc_init) {
    const auto k = stream_key(publisher_id, ssrc);
    auto& slot = impl_->stream_slots[{publisher_id, ssrc}];
    if (!slot) {
        if (impl_->free_stream_slots.empty()) {
            impl_->stream_slots.erase({publisher_id, ssrc});
            throw DatapathError("too many streams");
        }
        slot = impl_->free_stream_slots.back();
        impl_->free_stream_slots.pop_back();
        push_legs(publisher_id, ssrc);  // the slot names its stream before use
    }
    auto cfg = std::make_unique<sc_stream_config>();
    cfg->in = make_kernel_key(in);
    cfg->roc_init = roc_init;
    cfg->legs_slot = slot;
    auto state = std::make_unique<sc_stream_state>();
    // NOEXIST: re-keying must not reset the replay window.
    bpf_map_update_elem(impl_->fd(impl_->skel->maps.sc_stream_states), &k, state.get(),
                        BPF_NOEXIST);
    check(
        bpf_map_update_elem(impl_->fd(impl_->skel->maps.sc_stream_configs), &k, cfg.get(), BPF_ANY),
        "set stream");
}

void KernelDatapath::remove_stream(uint32_t publisher_id, uint32_t ssrc) {
    const auto k = stream_key(publisher_id, ssrc);
    bpf_map_delete_elem(impl_->fd(impl_->skel->maps.sc_stream_configs), &k);
    bpf_map_delete_elem(impl_->fd(impl_->skel->maps.sc_stream_states), &k);
    impl_->stream_legs.erase({publisher_id, ssrc});
    impl_->stream_max_packet.erase({publisher_id, ssrc});
    auto slot = impl_->stream_slots.find({publisher_id, ssrc});
    if (slot != impl_->stream_slots.end()) {
        const uint32_t index = slot->second - 1;
        auto empty = std::make_unique<sc_stream_legs>();
        bpf_map_update_elem(impl_->fd(impl_->skel->maps.sc_stream_legs_map), &index, empty.get(),
                            BPF_ANY);
        // A run may still hold the old config, hence this slot: hand the slot
        // to another stream only after every such run has finished.
        synchronize();
        impl_->free_stream_slots.push_back(slot->second);
        impl_->stream_slots.erase(slot);
    }
}

// Writes the stream's slot: its callers' legs, by their current kernel ids.
void KernelDatapath::push_legs(uint32_t publisher_id, uint32_t ssrc) {
    auto slot = impl_->stream_slots.find({publisher_id, ssrc});
    if (slot == impl_->stream_slots.end()) return;  // no stream yet: set_stream pushes
    auto v = std::make_unique<sc_stream_legs>();
    v->publisher_id = publisher_id;
    v->ssrc = ssrc;
    if (auto list = impl_->stream_legs.find({publisher_id, ssrc}); list != impl_->stream_legs.end())
        for (uint32_t leg : list->second)
            if (auto it = impl_->legs.find(leg); it != impl_->legs.end())
                v->leg_id[v->count++] = it->second.kernel_id;
    const uint32_t index = slot->second - 1;
    check(bpf_map_update_elem(impl_->fd(impl_->skel->maps.sc_stream_legs_map), &index, v.get(),
                              BPF_ANY),
          "set stream legs");
}

void KernelDatapath::set_stream_legs(uint32_t publisher_id, uint32_t ssrc,
                                     const std::vector<uint32_t>& legs) {
    if (legs.size() > SC_MAX_LEGS) throw DatapathError("too many legs for one stream");
    impl_->stream_legs[{publisher_id, ssrc}] = legs;
    push_legs(publisher_id, ssrc);
}

// Rewrites the slot of every stream whose list holds the caller's leg.
void KernelDatapath::push_lists_with(uint32_t leg_id) {
    for (const auto& [key, list] : impl_->stream_legs)
        if (std::find(list.begin(), list.end(), leg_id) != list.end())
            push_legs(key.first, key.second);
}

// Puts `value` in under a new kernel id, moves every list to it, and deletes
// the previous value once no run can hold it (the sc_legs invariant).
void KernelDatapath::replace_leg(uint32_t leg_id, const sc_leg& value) {
    auto v = std::make_unique<sc_leg>(value);
    v->stats_id = leg_id;
    uint32_t kernel_id = ++impl_->last_kernel_id;
    if (kernel_id == 0) kernel_id = ++impl_->last_kernel_id;
    check(
        bpf_map_update_elem(impl_->fd(impl_->skel->maps.sc_legs), &kernel_id, v.get(), BPF_NOEXIST),
        "set leg");
    auto& entry = impl_->legs[leg_id];
    const uint32_t old_id = entry.kernel_id;  // 0: a new leg
    entry.kernel_id = kernel_id;
    entry.value = *v;
    push_lists_with(leg_id);
    if (!old_id) return;
    synchronize();
    bpf_map_delete_elem(impl_->fd(impl_->skel->maps.sc_legs), &old_id);
}

void KernelDatapath::set_leg(uint32_t leg_id, const LegParams& leg) {
    auto v = std::make_unique<sc_leg>(make_leg_value(leg));
    // A fresh owner tag per key: slots written for an earlier key (or leg)
    // never match, even while a program run still holds the old leg value.
    auto existing = impl_->legs.find(leg_id);
    const bool new_leg = existing == impl_->legs.end();
    uint32_t ring = new_leg ? 0 : existing->second.value.ks_ring;
    if (!ring && !impl_->free_rings.empty()) {
        ring = impl_->free_rings.back();
        impl_->free_rings.pop_back();
        impl_->clear_ring(ring);
    }
    v->ks_ring = ring;
    v->ks_owner = ring ? impl_->next_owner() : 0;
    auto maker = std::make_unique<KeystreamMaker>(leg.out);
    // Stats first (zeroed on every CPU, kept if the leg exists already): the
    // program only ever updates them.
    {
        const int ncpu = libbpf_num_possible_cpus();
        std::vector<sc_leg_stats> zero(ncpu > 0 ? ncpu : 1);
        const int err = bpf_map_update_elem(impl_->fd(impl_->skel->maps.sc_leg_stats_map), &leg_id,
                                            zero.data(), BPF_NOEXIST);
        if (err && errno != EEXIST) check(err, "create leg stats");
    }
    try {
        replace_leg(leg_id, *v);
    } catch (...) {
        if (new_leg && ring) impl_->free_rings.push_back(ring);
        throw;
    }
    auto& entry = impl_->legs.at(leg_id);
    entry.maker = std::move(maker);
    entry.prefilled_to.reset();
}

void KernelDatapath::set_leg_enabled(uint32_t leg_id, bool enabled) {
    auto it = impl_->legs.find(leg_id);
    if (it == impl_->legs.end()) throw DatapathError("look up leg: no such leg");
    sc_leg value = it->second.value;
    value.enabled = enabled ? 1 : 0;
    replace_leg(leg_id, value);  // waits a grace period: no clone after return
}

void KernelDatapath::prefill_keystreams(uint32_t leg_id, uint64_t first_out_index, uint32_t count) {
    auto it = impl_->legs.find(leg_id);
    if (it == impl_->legs.end()) throw DatapathError("prefill: unknown leg");
    if (!it->second.value.ks_ring) return;  // all rings taken: the program runs AES
    if (count > SC_KS_SLOTS) count = SC_KS_SLOTS;
    for (uint32_t i = 0; i < count; ++i) {
        const uint64_t index = (first_out_index + i) & 0xffffffffffffULL;
        impl_->write_slot(it->second, index);
        if (!it->second.prefilled_to || index > *it->second.prefilled_to)
            it->second.prefilled_to = index;
    }
}

size_t KernelDatapath::refill_keystreams(uint32_t publisher_id, uint32_t ssrc, uint32_t ahead,
                                         uint32_t packet_len) {
    const auto st = stream_state(publisher_id, ssrc);
    auto legs = impl_->stream_legs.find({publisher_id, ssrc});
    if (!st || !st->started || legs == impl_->stream_legs.end()) return 0;
    // The payload is shorter than the packet; one block of margin.
    uint32_t len = SC_KS_BYTES;
    if (packet_len) {
        auto& max = impl_->stream_max_packet[{publisher_id, ssrc}];
        max = std::max(max, packet_len);
        len = std::min<uint32_t>(max + 16, SC_KS_BYTES);
    }
    // At most half a ring ahead: the slot written for `last` then held an
    // index at least half a ring older than the newest, long since sent.
    ahead = std::min<uint32_t>(ahead, SC_KS_SLOTS / 2);
    // Two passes. Each leg's next slot is a cache miss (the rings are
    // rewritten only every SC_KS_SLOTS packets); resolving all legs first and
    // prefetching their slots lets those misses overlap instead of stalling
    // the writes one leg at a time.
    auto& todo = impl_->refill_todo;
    todo.clear();
    for (uint32_t leg_id : legs->second) {
        auto it = impl_->legs.find(leg_id);
        if (it == impl_->legs.end() || !it->second.value.ks_ring) continue;
        auto& k = it->second;
        const uint64_t next = (st->highest_index + 1 + k.value.index_delta) & 0xffffffffffffULL;
        const uint64_t last = next + ahead - 1;
        uint64_t first = next;
        // Slots already written for this range stay valid (same key, index).
        if (k.prefilled_to && *k.prefilled_to >= next && *k.prefilled_to - next < SC_KS_SLOTS)
            first = *k.prefilled_to + 1;
        if (first > last) continue;
        __builtin_prefetch(&impl_->slot(k.value.ks_ring, first & 0xffffffffffffULL), 1);
        todo.push_back({&k, first, last});
    }
    size_t n = 0;
    for (const auto& t : todo) {
        for (uint64_t i = t.first; i <= t.last; ++i, ++n)
            impl_->write_slot(*t.leg, i & 0xffffffffffffULL, len);
        t.leg->prefilled_to = t.last & 0xffffffffffffULL;
    }
    return n;
}

void KernelDatapath::remove_leg(uint32_t leg_id) {
    uint32_t kernel_id = 0, ring = 0;
    if (auto current = impl_->legs.find(leg_id); current != impl_->legs.end()) {
        kernel_id = current->second.kernel_id;
        ring = current->second.value.ks_ring;
        impl_->legs.erase(current);
    }
    // Out of every list (the caller may not have removed it yet), then a
    // grace period: no program run holds the leg (or its ring) any more.
    push_lists_with(leg_id);
    synchronize();
    if (kernel_id) bpf_map_delete_elem(impl_->fd(impl_->skel->maps.sc_legs), &kernel_id);
    if (ring) impl_->free_rings.push_back(ring);
    bpf_map_delete_elem(impl_->fd(impl_->skel->maps.sc_leg_stats_map), &leg_id);
}

void KernelDatapath::synchronize() {
    // A map-in-map update waits for an RCU grace period (kernel
    // maybe_wait_bpf_programs), i.e. for every program run in flight.
    const uint32_t zero = 0;
    const int inner = impl_->fd(impl_->skel->maps.sc_sync_inner_map);
    check(bpf_map_update_elem(impl_->fd(impl_->skel->maps.sc_sync), &zero, &inner, BPF_ANY),
          "synchronize");
}

LegCounters KernelDatapath::leg_counters(uint32_t leg_id) const {
    const int ncpu = libbpf_num_possible_cpus();
    std::vector<sc_leg_stats> per(ncpu > 0 ? ncpu : 1);
    LegCounters c;
    if (bpf_map_lookup_elem(impl_->fd(impl_->skel->maps.sc_leg_stats_map), &leg_id, per.data()))
        return c;
    for (const auto& p : per) {
        c.packets += p.packets;
        c.bytes += p.bytes;
        c.errors += p.errors;
        c.keystream_hits += p.ks_hits;
        if (p.first_in && (!c.first_in_index || p.first_in - 1 < *c.first_in_index))
            c.first_in_index = p.first_in - 1;
        if (p.last_in && (!c.last_in_index || p.last_in - 1 > *c.last_in_index))
            c.last_in_index = p.last_in - 1;
    }
    return c;
}

std::array<uint64_t, SC_R_MAX> KernelDatapath::reason_counters() const {
    std::array<uint64_t, SC_R_MAX> out{};
    const int ncpu = libbpf_num_possible_cpus();
    std::vector<uint64_t> per(ncpu > 0 ? ncpu : 1);
    for (uint32_t r = 0; r < SC_R_MAX; ++r) {
        if (bpf_map_lookup_elem(impl_->fd(impl_->skel->maps.sc_reasons), &r, per.data())) continue;
        for (auto v : per) out[r] += v;
    }
    return out;
}

std::optional<sc_stream_state> KernelDatapath::stream_state(uint32_t publisher_id,
                                                            uint32_t ssrc) const {
    const auto k = stream_key(publisher_id, ssrc);
    sc_stream_state st{};
    if (bpf_map_lookup_elem(impl_->fd(impl_->skel->maps.sc_stream_states), &k, &st))
        return std::nullopt;
    return st;
}

bool KernelDatapath::forwarded(uint32_t publisher_id, uint32_t ssrc, uint64_t index) const {
    const auto st = stream_state(publisher_id, ssrc);
    return st && slot_marks(st->fwd_slot, SC_FWD_WINDOW_BITS, index);
}

ForwardedWindow KernelDatapath::forwarded_window(uint32_t publisher_id, uint32_t ssrc) const {
    ForwardedWindow w;
    if (auto st = stream_state(publisher_id, ssrc)) {
        w.highest_index = st->fwd_highest;
        w.slots.assign(std::begin(st->fwd_slot), std::end(st->fwd_slot));
    }
    return w;
}

int KernelDatapath::program_fd() const {
    return bpf_program__fd(impl_->skel->progs.swiftcall_ingress);
}

std::string KernelDatapath::verifier_stats() const {
    bpf_prog_info info{};
    uint32_t len = sizeof info;
    if (bpf_obj_get_info_by_fd(program_fd(), &info, &len)) return "unavailable";
    return "verified_insns=" + std::to_string(info.verified_insns) +
           " xlated_bytes=" + std::to_string(info.xlated_prog_len) +
           " jited_bytes=" + std::to_string(info.jited_prog_len);
}

}  // namespace swiftcall::datapath
