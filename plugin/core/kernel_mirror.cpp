#include "core/kernel_mirror.h"

#include <sys/socket.h>

#include <cinttypes>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <limits>

#include "datapath/transmitter.h"
#include "media/payload_types.h"
#include "media/srtp_index.h"

namespace swiftcall::core {
namespace {

using LogLevel = MirrorEnvironment::LogLevel;

// printf into a string, for the environment's log.
__attribute__((format(printf, 1, 2))) std::string format(const char* fmt, ...) {
    char buffer[512];
    va_list args;
    va_start(args, fmt);
    std::vsnprintf(buffer, sizeof buffer, fmt, args);
    va_end(args);
    return buffer;
}

static_assert(kDefaultTxRingSlots == SC_TX_SLOTS_DEFAULT && kMaxTxRingSlots == SC_TX_SLOTS_MAX,
              "plugin_config.h's tx_ring_slots numbers follow the kernel ABI");

uint8_t abi_family(int family) { return family == AF_INET6 ? SC_AF_INET6 : SC_AF_INET; }

// Profiles the sealer implements (datapath::SrtpSealer).
bool sealer_supports(uint16_t profile) { return datapath::srtp_profile_known(profile); }

datapath::SrtpMaster master(const janus::LegTransport& t, bool outbound) {
    datapath::SrtpMaster m;
    m.profile = static_cast<uint16_t>(janus::srtp_profile_id(t.profile));
    m.key = outbound ? t.local_key : t.remote_key;
    m.salt = outbound ? t.local_salt : t.remote_salt;
    return m;
}

const janus::LegTransport::Medium* medium_at(const janus::LegTransport& t, int mindex) {
    for (const auto& m : t.media)
        if (m.mindex == mindex) return &m;
    return nullptr;
}

}  // namespace

KernelMirror::KernelMirror(MirrorEnvironment& env, DatapathMode mode,
                           const CapabilityReport& capabilities, uint32_t tx_ring_slots)
    : env_(env) {
    if (mode == DatapathMode::user) {
        unavailable_reason_ = "datapath = \"user\" in the jcfg";
        return;
    }
    if (!capabilities.ok()) {
        unavailable_reason_ = "kernel datapath unavailable (" + capabilities.describe() + ")";
        return;
    }
    std::string why;
    if (!env_.core_version_supported(&why)) {
        unavailable_reason_ = "kernel datapath off: " + why;
        return;
    }
    try {
        sealed_ = env_.open_sealed_sender(tx_ring_slots);
    } catch (const std::exception& e) {
        unavailable_reason_ = std::string("sealed transmitter failed to load: ") + e.what();
    }
}

KernelMirror::~KernelMirror() = default;

void KernelMirror::log(MirrorEnvironment::LogLevel level, const std::string& line) {
    env_.log(level, line);
}

void KernelMirror::shutdown() {
    std::lock_guard guard(lock_);
    if (!available() || stopped_) return;
    stopped_ = true;
    unavailable_reason_ = "plugin stopping";
}

void KernelMirror::publisher_up(janus_plugin_session* handle, room::Publisher& publisher) {
    if (!available()) return;
    std::string why;
    // The core decrypts the publisher: only its media SSRCs are needed here.
    auto transport = env_.read_leg_transport(handle, &why);
    std::lock_guard guard(lock_);
    if (stopped_) return;
    if (!transport) {
        log(LogLevel::info,
            format("publisher %" PRIu64 " stays in user space: %s", publisher.id, why.c_str()));
        return;
    }
    PublisherEntry entry;
    entry.id = next_publisher_id_++;
    entry.handle = handle;
    size_t sealable = 0;
    auto streams = publisher.streams_snapshot();
    for (const auto& stream :
         streams ? *streams : std::vector<std::shared_ptr<room::PublisherStream>>{}) {
        const auto* medium = medium_at(*transport, stream->media.mindex);
        if (!medium || stream->media.disabled || medium->remote_ssrc[0] == 0) continue;
        stream->kernel_ssrc = medium->remote_ssrc[0];
        stream->kernel_publisher_id = entry.id;
        sealable++;
    }
    log(LogLevel::info,
        format("publisher %" PRIu64 " from %s fanned out by the sealed transmitter, "
               "%zu streams",
               publisher.id, transport->pair.remote.to_string().c_str(), sealable));
    publishers_[&publisher] = std::move(entry);
}

void KernelMirror::publisher_down(room::Publisher& publisher) {
    if (!available()) return;
    std::lock_guard guard(lock_);
    if (stopped_) return;
    auto it = publishers_.find(&publisher);
    if (it == publishers_.end()) return;
    // Its streams' legs go with their subscribers' reconcile.
    if (auto streams = publisher.streams_snapshot()) {
        for (const auto& s : *streams) {
            s->kernel_publisher_id = 0;
            s->kernel_ssrc = 0;
        }
    }
    publishers_.erase(it);
}

void KernelMirror::subscriber_up(janus_plugin_session* handle, room::Subscriber& subscriber,
                                 bool retry) {
    if (!available()) return;
    std::string why;
    auto transport = env_.read_leg_transport(handle, &why);
    // Subscribed before taking our lock: the bridge takes the handle mutex.
    std::unique_ptr<MirrorEnvironment::Watch> watch;
    if (transport && pair_listener_) {
        auto listener = pair_listener_;
        watch = env_.watch_selected_pair(handle, listener);
    }
    {
        std::lock_guard guard(lock_);
        if (stopped_) return;
        if (retry) {
            auto err = subscriber_errors_.find(&subscriber);
            if (err == subscriber_errors_.end() || err->second.handle != handle) return;
        }
        if (!transport) {
            subscriber_errors_[&subscriber] = {handle, why};
        } else {
            const auto& pair = transport->pair;
            auto hop = env_.resolve_next_hop(pair.local_base.family, pair.local_base.addr,
                                             pair.remote.addr, &why);
            if (!hop) {
                subscriber_errors_[&subscriber] = {handle, why};
            } else {
                size_t streams = 0;
                {
                    std::lock_guard sub_guard(subscriber.lock);
                    streams = subscriber.streams.size();
                }
                subscribers_[&subscriber] =
                    SubscriberEntry{handle, std::move(*transport), *hop, streams, std::move(watch)};
                subscriber_errors_.erase(&subscriber);
            }
        }
    }
    reconcile(subscriber);
}

std::string KernelMirror::leg_blocker(const room::Subscriber& subscriber,
                                      room::SubscriberStream& stream,
                                      const room::PublisherStream* source,
                                      const SubscriberEntry* entry) {
    if (!available()) return unavailable_reason_;
    if (stream.kernel.user_forced) return "user path forced by configure (datapath = \"user\")";
    if (!stream.kernel.failure.empty()) return stream.kernel.failure;
    if (!entry) {
        auto err = subscriber_errors_.find(&subscriber);
        return err != subscriber_errors_.end()
                   ? "subscriber not kernel-eligible: " + err->second.why
                   : "subscriber PeerConnection not up";
    }
    if (!source) return "no source stream";
    if (source->muted) return "publisher stream muted by a moderator";
    if (source->kernel_publisher_id == 0) return "publisher stream not up for sealing";
    if (!stream.active || !stream.send || stream.paused)
        return "not sending (paused or send=false)";
    const uint16_t profile =
        static_cast<uint16_t>(janus::srtp_profile_id(entry->transport.profile));
    if (!sealer_supports(profile))
        return "SRTP profile " + std::string(janus::srtp_profile_name(entry->transport.profile)) +
               " not sealed by SwiftCall";
    if (stream.payload_type < 0 || stream.payload_type > 127) return "no payload type negotiated";
    if (!medium_at(entry->transport, stream.mindex)) return "no medium for this mid";
    if (!stream.kernel.synced) return "waiting for a first packet to align numbering";
    return "";
}

void KernelMirror::note_leg_health(room::SubscriberStream& stream) {
    // A send that fails now and then is a congestion drop (NACK repairs
    // it); a leg whose sends all fail would never get media: user path.
    auto& k = stream.kernel;
    const auto c = leg_counters(k.leg_id);
    const uint64_t errors = c.errors - k.checked_errors, packets = c.packets - k.checked_packets;
    k.checked_errors = c.errors;
    k.checked_packets = c.packets;
    if (errors >= 10 && packets == 0)
        k.failure = "kernel leg failing (" + std::to_string(errors) + " send errors, none sent)";
}

void KernelMirror::enable_leg(room::SubscriberStream& stream, const room::PublisherStream& source,
                              const SubscriberEntry& entry) {
    const auto& pair = entry.transport.pair;
    const auto* medium = medium_at(entry.transport, stream.mindex);
    datapath::LegParams leg;
    leg.ifindex = entry.hop.ifindex;
    leg.smac = entry.hop.smac;
    leg.dmac = entry.hop.dmac;
    leg.tuple.family = abi_family(pair.local_base.family);
    leg.tuple.saddr = pair.local_base.addr;
    leg.tuple.daddr = pair.remote.addr;
    leg.tuple.sport = pair.local_base.port;
    leg.tuple.dport = pair.remote.port;
    leg.ssrc = medium->local_ssrc;
    leg.index_delta =
        (stream.kernel.last_out_index - stream.kernel.last_in_index) & media::kSrtpIndexMask;
    leg.ts_delta = stream.kernel.ts_delta;
    if (source.media.payload_type != stream.payload_type)
        leg.payload_type = static_cast<uint8_t>(stream.payload_type);
    // Publisher extension ids -> the subscriber's (media/payload_types.h).
    // The mid element carries the publisher's mid: kept only where it is
    // the subscriber's too, else blanked (the subscriber's SDP has SSRCs).
    for (const auto& ext : source.media.extensions) {
        if (ext.id <= 0 || ext.id >= SC_EXT_IDS) continue;
        const int out = media::subscriber_extension_id(ext.uri);
        if (out <= 0) continue;
        if (ext.uri == "urn:ietf:params:rtp-hdrext:sdes:mid" && source.media.mid != stream.mid)
            continue;
        leg.ext_map[ext.id] = static_cast<uint8_t>(out);
    }
    leg.out = master(entry.transport, true);
    const StreamKey key{source.kernel_publisher_id, source.kernel_ssrc};
    if (stream.kernel.leg_id == 0) stream.kernel.leg_id = next_leg_id_++;
    // A new SealedLeg (and SRTP context) each time: its counters start at 0
    // with the leg.
    auto sealed = std::make_shared<fanout::SealedLeg>(stream.kernel.leg_id, leg,
                                                      source.simulcast
                                                          ? fanout::SealedLeg::Numbering::rewritten
                                                          : fanout::SealedLeg::Numbering::delta);
    legs_[stream.kernel.leg_id] = Leg{key, sealed};
    stream.sealed = std::move(sealed);
    // The fan-out sets it at the leg's first sealed packet.
    stream.kernel.first_index = room::KernelLegState::kNone;
    stream.kernel.index_delta = leg.index_delta;
    stream.kernel.out_ssrc = leg.ssrc;
    stream.kernel.checked_packets = 0;  // a new leg id: its counters start at 0
    stream.kernel.checked_errors = 0;
    stream.kernel.sr_packets_pushed = 0;
    stream.kernel.sr_bytes_pushed = 0;
    stream.kernel.sr_wallclock_us = 0;
    stream.kernel.serving = true;
    stream.kernel.path_reason =
        "kernel: " + pair.local_type + "/" + pair.remote_type + " UDP via " + entry.hop.ifname +
        ", " + std::string(janus::srtp_profile_name(entry.transport.profile)) +
        ", sealed transmitter" +
        (source.simulcast ? " (simulcast, layer chosen in user space)" : "");
}

std::shared_ptr<fanout::SealedLeg> KernelMirror::forwarder_leg(const datapath::UdpTuple& tuple,
                                                               const datapath::SrtpMaster& srtp,
                                                               std::string* path) {
    if (!available()) {
        *path = "user: " + unavailable_reason_;
        return nullptr;
    }
    if (tuple.family != SC_AF_INET) {
        *path = "user: IPv6 next-hop resolution is not implemented yet";
        return nullptr;
    }
    std::string why;
    auto hop = env_.resolve_next_hop(AF_INET, tuple.saddr, tuple.daddr, &why);
    if (!hop) {
        *path = "user: " + why;
        return nullptr;
    }
    datapath::LegParams leg;
    leg.ifindex = hop->ifindex;
    leg.smac = hop->smac;
    leg.dmac = hop->dmac;
    leg.tuple = tuple;
    leg.out = srtp;
    std::lock_guard guard(lock_);
    if (stopped_) {
        *path = "user: plugin stopping";
        return nullptr;
    }
    *path = "kernel: UDP via " + hop->ifname + ", " +
            (srtp.profile == SC_PROFILE_NONE ? "plain RTP" : "SRTP") + ", sealed transmitter";
    return std::make_shared<fanout::SealedLeg>(next_leg_id_++, leg,
                                               fanout::SealedLeg::Numbering::forwarded);
}

void KernelMirror::remove_leg(room::SubscriberStream& stream) {
    if (stream.kernel.leg_id == 0) return;
    // The fan-out takes packets for the leg under this stream's lock, which
    // we hold: from here on it relays them. Frames the leg already sealed
    // into a batch not yet sent are dropped by the sender (removed);
    // subscriber_down waits for them (wait_idle).
    if (stream.sealed) {
        stream.sealed->removed.store(true, std::memory_order_release);
        stream.sealed.reset();
    }
    legs_.erase(stream.kernel.leg_id);
    stream.kernel.first_index = room::KernelLegState::kNone;
    stream.kernel.leg_id = 0;
    stream.kernel.serving = false;
}

void KernelMirror::reconcile(room::Subscriber& subscriber) {
    const auto changes = reconcile_locked(subscriber);
    for (const auto& change : changes) {
        // The core's retransmission buffer lacks what the kernel sends: while
        // the kernel serves a medium, its NACKs come to the plugin instead
        // (the bridge takes the handle mutex: none of our locks is held).
        std::string why;
        auto* handle = static_cast<janus_plugin_session*>(change.session);
        if (!env_.set_core_answers_nacks(handle, change.mindex, !change.kernel, &why))
            log(LogLevel::warn,
                format("leg mid=%s: cannot hand NACKs over: %s", change.mid.c_str(), why.c_str()));
        if (change.stream) {
            why.clear();
            if (env_.set_outbound_roc(handle, change.ssrc, change.roc, &why))
                log(LogLevel::verb,
                    format("leg mid=%s: core continues at ROC %u", change.mid.c_str(), change.roc));
            else if (change.roc != 0)
                // Its own guess is right unless the kernel sent 2^15 or more.
                log(LogLevel::warn, format("leg mid=%s: cannot set the core's ROC %u: %s",
                                           change.mid.c_str(), change.roc, why.c_str()));
            std::lock_guard sg(change.stream->lock);
            change.stream->kernel.roc_handover = false;
        }
        if (path_listener_) path_listener_(change);
    }
}

std::vector<KernelMirror::PathChange> KernelMirror::reconcile_locked(room::Subscriber& subscriber) {
    std::vector<PathChange> changes;
    std::lock_guard guard(lock_);
    if (stopped_) return changes;
    auto it = subscribers_.find(&subscriber);
    const SubscriberEntry* entry = it == subscribers_.end() ? nullptr : &it->second;
    std::lock_guard sub_guard(subscriber.lock);
    for (const auto& stream : subscriber.streams) {
        std::lock_guard sg(stream->lock);
        auto source = stream->source.lock();
        if (stream->kernel.serving) note_leg_health(*stream);
        std::string blocker = leg_blocker(subscriber, *stream, source.get(), entry);
        // A leg serving another source must move: re-plan from scratch.
        if (blocker.empty() && stream->kernel.serving) {
            auto leg = legs_.find(stream->kernel.leg_id);
            if (leg == legs_.end() ||
                leg->second.source.publisher_id != source->kernel_publisher_id ||
                leg->second.source.ssrc != source->kernel_ssrc)
                blocker = "source changed";
        }
        try {
            if (blocker.empty()) {
                if (!stream->kernel.serving) {
                    enable_leg(*stream, *source, *entry);
                    log(LogLevel::info,
                        format("leg mid=%s feed=%" PRIu64 ": %s", stream->mid.c_str(),
                               stream->feed_id, stream->kernel.path_reason.c_str()));
                    changes.push_back({stream->session, stream->mindex, stream->mid,
                                       stream->feed_id, true, stream->kernel.path_reason, nullptr,
                                       0, 0});
                }
            } else {
                if (stream->kernel.serving) {
                    remove_leg(*stream);
                    log(LogLevel::info,
                        format("leg mid=%s feed=%" PRIu64 " back to user path: %s",
                               stream->mid.c_str(), stream->feed_id, blocker.c_str()));
                    // The next packet continues the leg's index space, which
                    // the transmitter used and the core's libsrtp never saw.
                    const uint64_t next = (stream->out_index.highest() + 1) & media::kSrtpIndexMask;
                    stream->kernel.roc_handover = true;
                    changes.push_back({stream->session, stream->mindex, stream->mid,
                                       stream->feed_id, false, "user path: " + blocker, stream,
                                       stream->kernel.out_ssrc, static_cast<uint32_t>(next >> 16)});
                }
                stream->kernel.path_reason = "user path: " + blocker;
            }
        } catch (const std::exception& e) {
            stream->kernel.path_reason =
                std::string("user path: kernel map update failed: ") + e.what();
            stream->kernel.serving = false;
        }
    }
    return changes;
}

void KernelMirror::push_sender_reports(room::Subscriber& subscriber) {
    if (!available()) return;
    janus_plugin_session* handle = nullptr;
    {
        std::lock_guard guard(lock_);
        auto it = subscribers_.find(&subscriber);
        if (stopped_ || it == subscribers_.end()) return;
        handle = it->second.handle;
    }
    struct Push {
        std::shared_ptr<room::SubscriberStream> stream;
        int mindex;
        uint32_t leg_id;
        uint32_t rtp_ts;
        int64_t wallclock_us;
        uint64_t packets_pushed, bytes_pushed;
    };
    std::vector<Push> pushes;
    {
        std::lock_guard sub_guard(subscriber.lock);
        for (const auto& stream : subscriber.streams) {
            std::lock_guard sg(stream->lock);
            const auto& k = stream->kernel;
            if (!k.serving || k.leg_id == 0) continue;
            pushes.push_back({stream, stream->mindex, k.leg_id, k.sr_rtp_ts, k.sr_wallclock_us,
                              k.sr_packets_pushed, k.sr_bytes_pushed});
        }
    }
    for (auto& p : pushes) {
        datapath::LegCounters counters;
        {
            std::lock_guard guard(lock_);
            counters = leg_counters(p.leg_id);
        }
        const uint64_t add_packets =
            counters.packets > p.packets_pushed ? counters.packets - p.packets_pushed : 0;
        const uint64_t add_bytes =
            counters.bytes > p.bytes_pushed ? counters.bytes - p.bytes_pushed : 0;
        std::string why;
        if (!env_.update_sender_report_basis(static_cast<janus_plugin_session*>(handle), p.mindex,
                                             p.rtp_ts, p.wallclock_us, add_packets, add_bytes,
                                             &why))
            continue;
        std::lock_guard sg(p.stream->lock);
        if (p.stream->kernel.leg_id != p.leg_id) continue;
        p.stream->kernel.sr_packets_pushed += add_packets;
        p.stream->kernel.sr_bytes_pushed += add_bytes;
    }
}

bool KernelMirror::check_selected_pair(room::Subscriber& subscriber) {
    if (!available()) return false;
    janus_plugin_session* handle = nullptr;
    janus::SelectedPair known;
    int64_t agent_created_us = 0;
    std::set<int> known_mindexes;
    size_t streams_seen = 0;
    {
        std::lock_guard guard(lock_);
        if (stopped_) return false;
        auto it = subscribers_.find(&subscriber);
        if (it == subscribers_.end()) {
            auto err = subscriber_errors_.find(&subscriber);
            if (err == subscriber_errors_.end()) return false;
            handle = err->second.handle;
        }
    }
    if (handle) {
        // Not kernel-eligible last time: read the transport and next hop
        // again (subscriber_up takes our lock itself).
        subscriber_up(handle, subscriber, true);
        std::lock_guard guard(lock_);
        return subscribers_.count(&subscriber) != 0;
    }
    {
        std::lock_guard guard(lock_);
        auto it = subscribers_.find(&subscriber);
        if (stopped_ || it == subscribers_.end()) return false;
        handle = it->second.handle;
        known = it->second.transport.pair;
        agent_created_us = it->second.transport.agent_created_us;
        for (const auto& m : it->second.transport.media) known_mindexes.insert(m.mindex);
        streams_seen = it->second.streams_seen;
    }
    // A renegotiation (update/subscribe) added media the transport we read
    // at setup_media does not list: read it again.
    // Once per growth of the stream list, so a medium that stays absent
    // (rejected in the answer) does not re-plan the legs every second.
    bool new_media = false;
    {
        std::lock_guard sub_guard(subscriber.lock);
        if (subscriber.streams.size() > streams_seen)
            for (const auto& stream : subscriber.streams)
                if (!known_mindexes.count(stream->mindex)) new_media = true;
    }
    // The bridge takes the handle mutex: none of our locks is held.
    if (!new_media && !env_.selected_pair_changed(handle, known, agent_created_us)) return false;
    log(LogLevel::info,
        format("subscriber's %s changed (pair was %s -> %s): legs re-planned",
               new_media ? "media" : "ICE pair", known.local_base.to_string().c_str(),
               known.remote.to_string().c_str()));
    subscriber_down(subscriber);
    subscriber_up(handle, subscriber);
    reconcile(subscriber);
    return true;
}

void KernelMirror::subscriber_down(room::Subscriber& subscriber) {
    if (!available()) return;
    // Sealed legs with frames still in a batch: waited for below, with no
    // lock held (the fan-out holds a publisher stream's lock while it sends).
    std::vector<std::shared_ptr<fanout::SealedLeg>> leaving;
    {
        std::lock_guard guard(lock_);
        if (stopped_) return;
        subscriber_down_locked(subscriber, leaving);
    }
    for (const auto& leg : leaving) leg->wait_idle();
}

void KernelMirror::subscriber_down_locked(
    room::Subscriber& subscriber, std::vector<std::shared_ptr<fanout::SealedLeg>>& leaving) {
    {
        std::lock_guard sub_guard(subscriber.lock);
        for (const auto& stream : subscriber.streams) {
            std::lock_guard sg(stream->lock);
            if (stream->sealed) leaving.push_back(stream->sealed);
            try {
                remove_leg(*stream);
            } catch (const std::exception& e) {
                log(LogLevel::err,
                    format("removing leg mid=%s: %s", stream->mid.c_str(), e.what()));
            }
            stream->kernel.path_reason = "user path: subscriber PeerConnection down";
            stream->kernel.failure.clear();
        }
    }
    subscribers_.erase(&subscriber);
    subscriber_errors_.erase(&subscriber);
}

datapath::LegCounters KernelMirror::leg_counters(uint32_t leg_id) const {
    auto it = legs_.find(leg_id);
    return it == legs_.end() ? datapath::LegCounters{} : it->second.sealed->counters();
}

api::Json KernelMirror::describe() {
    api::Json info = api::Json::object();
    info.set_bool("available", available());
    if (!available()) {
        info.set("reason", unavailable_reason_);
        return info;
    }
    info.set("transmitter", "sealed");
    api::Json legs = api::Json::array();
    std::unique_lock guard(lock_);
    for (const auto& [id, entry] : legs_) {
        const auto& leg = entry.sealed;
        const auto c = leg->counters();
        api::Json item = api::Json::object();
        item.set("leg", id).set("packets", c.packets).set("bytes", c.bytes).set("errors", c.errors);
        item.set("publisher", entry.source.publisher_id).set("ssrc", entry.source.ssrc);
        api::Json drops = api::Json::object();
        for (uint32_t r = 0; r < SC_TX_RESULT_MAX; ++r)
            if (r != SC_TX_SENT && leg->result_count(r))
                drops.set(datapath::Transmitter::result_name(r), leg->result_count(r));
        item.set("drops", drops);
        legs.append(item);
    }
    guard.unlock();
    info.set("legs", legs);
    // Read after the legs: the program counts a frame's result before the
    // sender books it to its leg, so these totals are never behind the legs'.
    info.set("sealed", sealed_->describe());
    return info;
}

}  // namespace swiftcall::core
