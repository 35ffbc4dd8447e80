// The kernel mirror's leg table through a fake environment (no Janus, no
// BPF): which subscriber streams become sealed legs, with which reason when
// they do not, what a leg is made of, and what the hand-over back to Janus
// asks of the core (NACK ownership, the outbound ROC).
#include <arpa/inet.h>
#include <sys/socket.h>

#include <catch2/catch.hpp>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/kernel_mirror.h"

using namespace swiftcall;
using core::MirrorEnvironment;

namespace {

janus_plugin_session* handle_of(uintptr_t n) { return reinterpret_cast<janus_plugin_session*>(n); }

janus::Endpoint endpoint(const char* ip, uint16_t port) {
    janus::Endpoint e;
    e.family = AF_INET;
    inet_pton(AF_INET, ip, e.addr.data());
    e.port = port;
    return e;
}

// A sender that takes nothing: the mirror only hands it to the fan-out.
class IdleSender : public fanout::SealedLegSender {
  public:
    void begin(size_t) override {}
    bool add(const std::shared_ptr<fanout::SealedLeg>&, std::span<const uint8_t>,
             uint64_t) override {
        return false;
    }
    bool add_rewritten(const std::shared_ptr<fanout::SealedLeg>&, std::span<const uint8_t>,
                       uint64_t) override {
        return false;
    }
    void flush() override {}
    api::Json describe() const override { return api::Json::object(); }
};

struct FakeEnvironment : MirrorEnvironment {
    bool version_ok = true;
    std::string load_error;  // non-empty: the transmitter fails to load
    std::map<janus_plugin_session*, janus::LegTransport> transports;
    std::map<janus_plugin_session*, std::string> unreadable;  // why
    bool pair_changed = false;
    std::vector<std::tuple<janus_plugin_session*, int, bool>> nack_owner_calls;
    std::vector<std::pair<uint32_t, uint32_t>> roc_calls;  // (ssrc, roc)
    std::vector<std::string> lines;

    void log(LogLevel, const std::string& line) override { lines.push_back(line); }
    bool core_version_supported(std::string* why) override {
        if (!version_ok) *why = "Janus core version mismatch: 1.2.0, built for 1.1.2";
        return version_ok;
    }
    std::unique_ptr<fanout::SealedLegSender> open_sealed_sender(uint32_t) override {
        if (!load_error.empty()) throw std::runtime_error(load_error);
        return std::make_unique<IdleSender>();
    }
    std::optional<janus::LegTransport> read_leg_transport(janus_plugin_session* h,
                                                          std::string* why) override {
        if (auto u = unreadable.find(h); u != unreadable.end()) {
            *why = u->second;
            return std::nullopt;
        }
        auto it = transports.find(h);
        if (it == transports.end()) {
            *why = "no PeerConnection";
            return std::nullopt;
        }
        return it->second;
    }
    std::unique_ptr<Watch> watch_selected_pair(janus_plugin_session*,
                                               std::function<void()>) override {
        return std::make_unique<Watch>();
    }
    bool selected_pair_changed(janus_plugin_session*, const janus::SelectedPair&,
                               int64_t) override {
        return pair_changed;
    }
    bool set_core_answers_nacks(janus_plugin_session* h, int mindex, bool core_answers,
                                std::string*) override {
        nack_owner_calls.emplace_back(h, mindex, core_answers);
        return true;
    }
    bool set_outbound_roc(janus_plugin_session*, uint32_t ssrc, uint32_t roc,
                          std::string*) override {
        roc_calls.emplace_back(ssrc, roc);
        return true;
    }
    bool update_sender_report_basis(janus_plugin_session*, int, uint32_t, int64_t, uint64_t,
                                    uint64_t, std::string*) override {
        return true;
    }
    std::optional<core::NextHop> resolve_next_hop(int, const std::array<uint8_t, 16>&,
                                                  const std::array<uint8_t, 16>&,
                                                  std::string*) override {
        core::NextHop hop;
        hop.ifname = "fake0";
        hop.ifindex = 7;
        hop.smac = {2, 0, 0, 0, 0, 1};
        hop.dmac = {2, 0, 0, 0, 0, 2};
        return hop;
    }
};

constexpr uint32_t kPublisherSsrc = 0x1111;
constexpr uint32_t kLegSsrc = 0x2222;

// One VP8 publisher (handle 0x100) and one subscriber (handle 0x200) of its
// video, with the transports a connected PeerConnection reports.
struct Room {
    FakeEnvironment env;
    core::CapabilityReport caps;  // nothing missing
    janus_plugin_session* pub_handle = handle_of(0x100);
    janus_plugin_session* sub_handle = handle_of(0x200);
    room::Publisher publisher;
    std::shared_ptr<room::PublisherStream> video = std::make_shared<room::PublisherStream>();
    room::Subscriber subscriber;
    std::shared_ptr<room::SubscriberStream> leg = std::make_shared<room::SubscriberStream>();

    Room() {
        publisher.id = 42;
        publisher.session = pub_handle;
        video->media.kind = room::MediaKind::video;
        video->media.mindex = 0;
        video->media.mid = "0";
        video->media.codec = "vp8";
        video->media.payload_type = 96;
        video->media.clock_rate = 90000;
        publisher.set_streams({video});

        subscriber.session = sub_handle;
        leg->mindex = 0;
        leg->mid = "0";
        leg->session = sub_handle;
        leg->feed_id = 42;
        leg->source = video;
        leg->media = video->media;
        leg->payload_type = 96;
        leg->kernel.synced = true;  // the fan-out relayed a first packet
        subscriber.streams = {leg};

        janus::LegTransport p;
        p.pair.local_base = endpoint("127.0.1.1", 4000);
        p.pair.remote = endpoint("127.0.1.2", 5000);
        janus::LegTransport::Medium pm;
        pm.mindex = 0;
        pm.video = true;
        pm.remote_ssrc = {kPublisherSsrc, 0, 0};
        p.media = {pm};
        env.transports[pub_handle] = p;

        janus::LegTransport s;
        s.pair.local_base = endpoint("127.0.1.1", 4001);
        s.pair.remote = endpoint("127.0.1.3", 6000);
        s.pair.local_type = s.pair.remote_type = "host";
        s.profile = janus::SrtpProfile::aes128_cm_sha1_80;
        s.local_key.assign(16, 0x11);
        s.local_salt.assign(14, 0x22);
        janus::LegTransport::Medium sm;
        sm.mindex = 0;
        sm.video = true;
        sm.local_ssrc = kLegSsrc;
        s.media = {sm};
        env.transports[sub_handle] = s;
    }

    std::string reason() {
        std::lock_guard guard(leg->lock);
        return leg->kernel.path_reason;
    }
    bool serving() {
        std::lock_guard guard(leg->lock);
        return leg->kernel.serving && leg->sealed != nullptr;
    }
};

std::unique_ptr<core::KernelMirror> mirror_for(
    Room& r, core::DatapathMode mode = core::DatapathMode::kernel) {
    return std::make_unique<core::KernelMirror>(r.env, mode, r.caps, 64);
}

// The usual start: both PeerConnections up, the subscriber's leg sealed.
std::unique_ptr<core::KernelMirror> serve(Room& r) {
    auto mirror = mirror_for(r);
    mirror->publisher_up(r.pub_handle, r.publisher);
    mirror->subscriber_up(r.sub_handle, r.subscriber);
    REQUIRE(r.serving());
    return mirror;
}

}  // namespace

TEST_CASE(
    "mirror: a connected subscriber's stream becomes a sealed leg once a first packet set its "
    "numbering",
    "[mirror]") {
    Room r;
    r.leg->kernel.synced = false;
    auto mirror = mirror_for(r);
    REQUIRE(mirror->available());
    REQUIRE(mirror->sealed_sender() != nullptr);
    mirror->publisher_up(r.pub_handle, r.publisher);
    CHECK(r.video->kernel_ssrc == kPublisherSsrc);
    CHECK(r.video->kernel_publisher_id != 0);

    mirror->subscriber_up(r.sub_handle, r.subscriber);
    CHECK(r.reason() == "user path: waiting for a first packet to align numbering");
    CHECK_FALSE(r.serving());

    std::vector<core::KernelMirror::PathChange> changes;
    mirror->on_path_change([&](const core::KernelMirror::PathChange& c) { changes.push_back(c); });
    {
        std::lock_guard guard(r.leg->lock);
        r.leg->kernel.last_in_index = 1000;
        r.leg->kernel.last_out_index = 1003;
        r.leg->kernel.ts_delta = 90;
        r.leg->kernel.synced = true;  // what the fan-out sets as it relays
    }
    mirror->reconcile(r.subscriber);
    REQUIRE(r.serving());
    CHECK(r.reason() ==
          "kernel: host/host UDP via fake0, SRTP_AES128_CM_SHA1_80, sealed transmitter");
    // The leg continues the user path's numbering, to the subscriber's pair.
    const auto& params = r.leg->sealed->params();
    CHECK(params.ssrc == kLegSsrc);
    CHECK(params.index_delta == 3);
    CHECK(params.ts_delta == 90u);
    CHECK(params.ifindex == 7u);
    CHECK(params.tuple.sport == 4001);
    CHECK(params.tuple.dport == 6000);
    CHECK(params.out.profile == SC_PROFILE_AES128_CM_SHA1_80);
    CHECK(params.out.key == std::vector<uint8_t>(16, 0x11));
    // The core stops answering its NACKs (it lacks the sealed packets).
    REQUIRE(r.env.nack_owner_calls.size() == 1);
    CHECK(r.env.nack_owner_calls[0] == std::make_tuple(r.sub_handle, 0, false));
    REQUIRE(changes.size() == 1);
    CHECK(changes[0].kernel);
    CHECK(changes[0].feed_id == 42u);

    // Nothing changed: a second look moves nothing.
    mirror->reconcile(r.subscriber);
    CHECK(r.env.nack_owner_calls.size() == 1);
    CHECK(changes.size() == 1);

    auto info = mirror->describe();
    REQUIRE(json_is_true(json_object_get(info.get(), "available")));
    CHECK(json_array_size(json_object_get(info.get(), "legs")) == 1);
}

TEST_CASE("mirror: a leg handed back to Janus gives the core its NACKs and the next index's ROC",
          "[mirror]") {
    Room r;
    auto mirror = serve(r);
    std::shared_ptr<fanout::SealedLeg> sealed = r.leg->sealed;
    {
        std::lock_guard guard(r.leg->lock);
        // The transmitter took the leg's index to ROC 3, seq 0xffff.
        r.leg->out_index.seed((uint64_t{3} << 16) | 0xffff);
        r.leg->paused = true;
    }
    mirror->reconcile(r.subscriber);
    CHECK_FALSE(r.serving());
    CHECK(r.reason() == "user path: not sending (paused or send=false)");
    CHECK(sealed->removed.load());
    // The next packet is index 4 << 16: the core's libsrtp must take ROC 4.
    REQUIRE(r.env.roc_calls.size() == 1);
    CHECK(r.env.roc_calls[0] == std::make_pair(kLegSsrc, uint32_t{4}));
    {
        std::lock_guard guard(r.leg->lock);
        CHECK_FALSE(r.leg->kernel.roc_handover);  // set, then released
    }
    REQUIRE(r.env.nack_owner_calls.size() == 2);
    CHECK(r.env.nack_owner_calls[1] == std::make_tuple(r.sub_handle, 0, true));

    // Unpaused: a new leg (new key context and counters) at the new offsets.
    {
        std::lock_guard guard(r.leg->lock);
        r.leg->paused = false;
    }
    mirror->reconcile(r.subscriber);
    REQUIRE(r.serving());
    CHECK(r.leg->sealed != sealed);
}

TEST_CASE("mirror: every reason a leg stays with Janus is named", "[mirror]") {
    SECTION("the subscriber's pair cannot be served, then can") {
        Room r;
        auto mirror = mirror_for(r);
        mirror->publisher_up(r.pub_handle, r.publisher);
        r.env.unreadable[r.sub_handle] = "selected pair is TURN relay";
        mirror->subscriber_up(r.sub_handle, r.subscriber);
        CHECK(r.reason() ==
              "user path: subscriber not kernel-eligible: selected pair is TURN relay");
        // The 1 s check asks again and finds it servable now.
        r.env.unreadable.clear();
        CHECK(mirror->check_selected_pair(r.subscriber));
        mirror->reconcile(r.subscriber);
        CHECK(r.serving());
    }
    SECTION("stream state") {
        Room r;
        auto mirror = serve(r);
        struct Case {
            const char* expected;
            std::function<void(bool)> set;
        };
        const std::vector<Case> cases = {
            {"user path: user path forced by configure (datapath = \"user\")",
             [&](bool on) { r.leg->kernel.user_forced = on; }},
            {"user path: publisher stream muted by a moderator",
             [&](bool on) { r.video->muted = on; }},
            {"user path: not sending (paused or send=false)", [&](bool on) { r.leg->send = !on; }},
            {"user path: no payload type negotiated",
             [&](bool on) { r.leg->payload_type = on ? -1 : 96; }},
        };
        for (const auto& c : cases) {
            INFO(c.expected);
            {
                std::lock_guard guard(r.leg->lock);
                c.set(true);
            }
            mirror->reconcile(r.subscriber);
            CHECK_FALSE(r.serving());
            CHECK(r.reason() == c.expected);
            {
                std::lock_guard guard(r.leg->lock);
                c.set(false);
            }
            mirror->reconcile(r.subscriber);
            CHECK(r.serving());
        }
    }
    SECTION("the publisher goes") {
        Room r;
        auto mirror = serve(r);
        mirror->publisher_down(r.publisher);
        mirror->reconcile(r.subscriber);
        CHECK(r.reason() == "user path: publisher stream not up for sealing");
    }
}

TEST_CASE("mirror: a departed subscriber's legs are gone before its PeerConnection is freed",
          "[mirror]") {
    Room r;
    auto mirror = serve(r);
    auto sealed = r.leg->sealed;
    mirror->subscriber_down(r.subscriber);
    CHECK_FALSE(r.serving());
    CHECK(sealed->removed.load());
    CHECK(r.reason() == "user path: subscriber PeerConnection down");
    CHECK(json_array_size(json_object_get(mirror->describe().get(), "legs")) == 0);
    // A pair move re-plans a serving subscriber: a new leg, still sealed.
    mirror->subscriber_up(r.sub_handle, r.subscriber);
    REQUIRE(r.serving());
    sealed = r.leg->sealed;
    r.env.pair_changed = true;
    CHECK(mirror->check_selected_pair(r.subscriber));
    CHECK(r.serving());
    CHECK(r.leg->sealed != sealed);
}

TEST_CASE("mirror: without the sealed transmitter every leg says why it stays with Janus",
          "[mirror]") {
    auto reason_of = [](Room& r, core::DatapathMode mode) {
        auto mirror = mirror_for(r, mode);
        CHECK_FALSE(mirror->available());
        CHECK(mirror->sealed_sender() == nullptr);
        mirror->publisher_up(r.pub_handle, r.publisher);
        mirror->subscriber_up(r.sub_handle, r.subscriber);
        mirror->reconcile(r.subscriber);
        CHECK_FALSE(r.serving());
        auto info = mirror->describe();
        CHECK(json_is_false(json_object_get(info.get(), "available")));
        return std::string(json_string_value(json_object_get(info.get(), "reason")));
    };
    Room user;
    CHECK(reason_of(user, core::DatapathMode::user) == "datapath = \"user\" in the jcfg");
    Room caps;
    caps.caps.missing = {"CAP_BPF"};
    CHECK(reason_of(caps, core::DatapathMode::kernel) ==
          "kernel datapath unavailable (missing CAP_BPF)");
    Room version;
    version.env.version_ok = false;
    CHECK(reason_of(version, core::DatapathMode::kernel) ==
          "kernel datapath off: Janus core version mismatch: 1.2.0, built for 1.1.2");
    Room load;
    load.env.load_error = "BPF_PROG_LOAD: Operation not permitted";
    CHECK(reason_of(load, core::DatapathMode::automatic) ==
          "sealed transmitter failed to load: BPF_PROG_LOAD: Operation not permitted");
}
