#include "transmit_modes.h"

#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <utility>

#include "transmit_bench.h"
#include "transmit_bench.skel.h"

namespace txbench {
namespace {

std::string errstr(const char* what, int err) { return std::string(what) + ": " + strerror(err); }

// Counters the BPF programs keep in .bss, as deltas.
BatchResult bpf_delta(const tb_stats& now, uint64_t& sent_seen, uint64_t& failed_seen,
                      __u64 tb_stats::*sent, __u64 tb_stats::*failed, __s64 last_err,
                      const std::string& run_err) {
    BatchResult r;
    r.sent = now.*sent - sent_seen;
    r.failed = now.*failed - failed_seen;
    sent_seen = now.*sent;
    failed_seen = now.*failed;
    if (r.failed) r.error = errstr("BPF helper", static_cast<int>(-last_err));
    if (!run_err.empty()) r.error = run_err;
    return r;
}

class TcSender : public Sender {
  public:
    TcSender(transmit_bench* s, std::vector<uint8_t> t) : skel_(s), tmpl_(std::move(t)) {
        fd_ = bpf_program__fd(skel_->progs.tx_tc);
    }
    const char* name() const override { return "tc"; }
    void send_batch(uint32_t n) override {
        skel_->bss->n_legs = n;
        LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = tmpl_.data(),
                    .data_size_in = static_cast<__u32>(tmpl_.size()), .repeat = 1);
        int rc = bpf_prog_test_run_opts(fd_, &o);
        if (rc < 0)
            run_err_ = errstr("BPF_PROG_RUN tx_tc", -rc);
        else if (o.retval != TC_ACT_SHOT_VALUE)
            run_err_ = "tx_tc returned " + std::to_string(o.retval);
    }
    BatchResult collect() override {
        auto r = bpf_delta(skel_->bss->stats, sent_, failed_, &tb_stats::tc_sent,
                           &tb_stats::tc_failed, skel_->bss->stats.tc_last_err, run_err_);
        run_err_.clear();
        return r;
    }

  private:
    static constexpr uint32_t TC_ACT_SHOT_VALUE = 2;
    transmit_bench* skel_;
    std::vector<uint8_t> tmpl_;
    int fd_;
    uint64_t sent_ = 0, failed_ = 0;
    std::string run_err_;
};

class XdpSender : public Sender {
  public:
    XdpSender(transmit_bench* s, std::vector<uint8_t> t, uint32_t bs)
        : skel_(s), tmpl_(std::move(t)), batch_size_(bs) {
        fd_ = bpf_program__fd(skel_->progs.tx_xdp);
    }
    const char* name() const override { return "xdp"; }
    void send_batch(uint32_t n) override {
        skel_->bss->n_legs = n;
        skel_->bss->xdp_cursor = 0;
        LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = tmpl_.data(),
                    .data_size_in = static_cast<__u32>(tmpl_.size()), .repeat = static_cast<int>(n),
                    .flags = BPF_F_TEST_XDP_LIVE_FRAMES, .batch_size = batch_size_);
        int rc = bpf_prog_test_run_opts(fd_, &o);
        // Keep the syscall's errno: it says why the program ran short.
        if (rc < 0)
            run_err_ = errstr("BPF_PROG_RUN tx_xdp (live frames)", -rc);
        else if (skel_->bss->xdp_cursor != n)
            run_err_ = "tx_xdp ran " + std::to_string(skel_->bss->xdp_cursor) + " times, not " +
                       std::to_string(n);
        // Legs the program never ran for were not sent: count them as failed.
        const uint32_t ran = skel_->bss->xdp_cursor;
        if (ran < n) short_ += n - ran;
    }
    BatchResult collect() override {
        auto r = bpf_delta(skel_->bss->stats, sent_, failed_, &tb_stats::xdp_sent,
                           &tb_stats::xdp_failed, skel_->bss->stats.xdp_last_err, run_err_);
        r.failed += short_;
        short_ = 0;
        run_err_.clear();
        return r;
    }

  private:
    transmit_bench* skel_;
    std::vector<uint8_t> tmpl_;
    uint32_t batch_size_;
    int fd_;
    uint64_t sent_ = 0, failed_ = 0, short_ = 0;
    std::string run_err_;
};

// Protocol 0 and no bind: the socket never receives. Every send names the
// device and EtherType (skb->protocol) in its sockaddr_ll.
int packet_socket() {
    int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
    if (fd < 0) throw std::runtime_error(errstr("AF_PACKET socket", errno));
    int one = 1;
    if (setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof one) < 0)
        throw std::runtime_error(errstr("PACKET_QDISC_BYPASS", errno));
    return fd;
}

sockaddr_ll to_device(int ifindex) {
    sockaddr_ll sll{};
    sll.sll_family = AF_PACKET;
    sll.sll_protocol = htons(ETH_P_IP);
    sll.sll_ifindex = ifindex;
    sll.sll_halen = ETH_ALEN;
    return sll;
}

// The AF_PACKET senders count in user space; collect() hands over and resets.
class CountingSender : public Sender {
  public:
    BatchResult collect() override { return std::exchange(tally_, BatchResult{}); }

  protected:
    BatchResult tally_;
};

class RingSender : public CountingSender {
  public:
    RingSender(int ifindex, const tb_slot* slots) : slots_(slots), to_(to_device(ifindex)) {
        fd_ = packet_socket();
        int v = TPACKET_V2;
        if (setsockopt(fd_, SOL_PACKET, PACKET_VERSION, &v, sizeof v) < 0)
            throw std::runtime_error(errstr("PACKET_VERSION", errno));
        tpacket_req req{};
        req.tp_block_size = 1 << 16;
        req.tp_frame_size = FRAME;
        req.tp_block_nr = TB_MAX_LEGS * FRAME / req.tp_block_size;
        req.tp_frame_nr = TB_MAX_LEGS;
        if (setsockopt(fd_, SOL_PACKET, PACKET_TX_RING, &req, sizeof req) < 0)
            throw std::runtime_error(errstr("PACKET_TX_RING", errno));
        ring_bytes_ = static_cast<size_t>(req.tp_block_size) * req.tp_block_nr;
        void* m = mmap(nullptr, ring_bytes_, PROT_READ | PROT_WRITE, MAP_SHARED, fd_, 0);
        if (m == MAP_FAILED) throw std::runtime_error(errstr("mmap TX ring", errno));
        ring_ = static_cast<uint8_t*>(m);
    }
    ~RingSender() override {
        munmap(ring_, ring_bytes_);
        close(fd_);
    }
    const char* name() const override { return "ring"; }
    void send_batch(uint32_t n) override {
        for (uint32_t i = 0; i < n; i++) {
            auto* h = frame(head_ + i);
            if (h->tp_status != TP_STATUS_AVAILABLE) {
                tally_.error = "TX ring frame busy";
                tally_.failed += n;
                return;
            }
            const tb_slot& s = slots_[i];
            std::memcpy(reinterpret_cast<uint8_t*>(h) + DATA_OFF, s.data, s.len);
            h->tp_len = s.len;
        }
        // Status last, after every byte of the frame is written.
        for (uint32_t i = 0; i < n; i++)
            __atomic_store_n(&frame(head_ + i)->tp_status, TP_STATUS_SEND_REQUEST,
                             __ATOMIC_RELEASE);
        // Blocking send: returns when every frame was sent and released.
        ssize_t rc =
            sendto(fd_, nullptr, 0, 0, reinterpret_cast<const sockaddr*>(&to_), sizeof to_);
        if (rc < 0) tally_.error = errstr("send TX ring", errno);
        for (uint32_t i = 0; i < n; i++) {
            auto* h = frame(head_ + i);
            uint32_t st = __atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE);
            if (st == TP_STATUS_AVAILABLE)
                tally_.sent++;
            else {
                tally_.failed++;
                tally_.error = "TX ring frame status " + std::to_string(st);
                h->tp_status = TP_STATUS_AVAILABLE;
            }
        }
        head_ = (head_ + n) % TB_MAX_LEGS;
    }

  private:
    static constexpr uint32_t FRAME = 2048;
    static constexpr size_t DATA_OFF = TPACKET_ALIGN(sizeof(tpacket2_hdr));
    tpacket2_hdr* frame(uint32_t k) {
        return reinterpret_cast<tpacket2_hdr*>(ring_ +
                                               static_cast<size_t>(k % TB_MAX_LEGS) * FRAME);
    }
    const tb_slot* slots_;
    sockaddr_ll to_;
    int fd_;
    uint8_t* ring_ = nullptr;
    size_t ring_bytes_ = 0;
    uint32_t head_ = 0;
};

class MmsgSender : public CountingSender {
  public:
    MmsgSender(int ifindex, const tb_slot* slots)
        : to_(to_device(ifindex)), iov_(TB_MAX_LEGS), msgs_(TB_MAX_LEGS) {
        fd_ = packet_socket();
        int big = 64 << 20;
        setsockopt(fd_, SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof big);
        for (size_t i = 0; i < TB_MAX_LEGS; i++) {
            iov_[i].iov_base = const_cast<uint8_t*>(slots[i].data);
            msgs_[i].msg_hdr.msg_iov = &iov_[i];
            msgs_[i].msg_hdr.msg_iovlen = 1;
            msgs_[i].msg_hdr.msg_name = &to_;
            msgs_[i].msg_hdr.msg_namelen = sizeof to_;
        }
        slots_ = slots;
    }
    ~MmsgSender() override { close(fd_); }
    const char* name() const override { return "mmsg"; }
    void send_batch(uint32_t n) override {
        for (uint32_t i = 0; i < n; i++) iov_[i].iov_len = slots_[i].len;
        int rc = sendmmsg(fd_, msgs_.data(), n, 0);
        if (rc < 0) {
            tally_.error = errstr("sendmmsg AF_PACKET", errno);
            tally_.failed += n;
            return;
        }
        tally_.sent += static_cast<uint32_t>(rc);
        if (static_cast<uint32_t>(rc) != n) {
            tally_.failed += n - static_cast<uint32_t>(rc);
            tally_.error = "sendmmsg sent " + std::to_string(rc) + " of " + std::to_string(n);
        }
    }

  private:
    const tb_slot* slots_ = nullptr;
    sockaddr_ll to_;
    int fd_;
    std::vector<iovec> iov_;
    std::vector<mmsghdr> msgs_;
};

}  // namespace

std::unique_ptr<Sender> make_tc_sender(transmit_bench* skel, const std::vector<uint8_t>& tmpl) {
    return std::make_unique<TcSender>(skel, tmpl);
}
std::unique_ptr<Sender> make_xdp_sender(transmit_bench* skel, const std::vector<uint8_t>& tmpl,
                                        uint32_t batch_size) {
    return std::make_unique<XdpSender>(skel, tmpl, batch_size);
}
std::unique_ptr<Sender> make_ring_sender(int ifindex, const tb_slot* slots) {
    return std::make_unique<RingSender>(ifindex, slots);
}
std::unique_ptr<Sender> make_mmsg_sender(int ifindex, const tb_slot* slots) {
    return std::make_unique<MmsgSender>(ifindex, slots);
}

}  // namespace txbench
