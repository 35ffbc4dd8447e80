// The mirror: decides which subscriber streams the sealed transmitter
// serves, and keeps each one's SealedLeg (5-tuple, next hop, SRTP keys,
// numbering) equal to what Janus negotiated. A publisher's streams become
// sealable when its PeerConnection is up; a subscriber stream becomes a
// sealed leg when everything the leg needs is known and it qualifies, and
// stops being one before Janus frees the PeerConnection. Each leg carries
// the reason for its path.
//
// Lock order: the mirror's lock, then Subscriber::lock, then
// SubscriberStream::lock. The fan-out (PublisherStream::lock ->
// SubscriberStream::lock) never calls the mirror: it reads the SealedLeg
// the mirror put on the stream.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "api/json.h"
#include "core/capabilities.h"
#include "core/mirror_environment.h"
#include "core/next_hop.h"
#include "core/plugin_config.h"
#include "fanout/sealed_leg.h"
#include "janus/leg_transport.h"
#include "room/participants.h"

struct janus_plugin_session;

namespace swiftcall::core {

class KernelMirror {
  public:
    // env outlives the mirror.
    KernelMirror(MirrorEnvironment& env, DatapathMode mode, const CapabilityReport& capabilities,
                 uint32_t tx_ring_slots = kDefaultTxRingSlots);
    ~KernelMirror();

    // The sealed transmitter loaded.
    bool available() const { return sealed_ != nullptr; }
    // The sealed transmitter, for the fan-out's last step (nullptr when it
    // is not loaded).
    fanout::SealedLegSender* sealed_sender() { return sealed_.get(); }

    // At plugin destroy: turns every later call into a no-op. The object
    // (and the transmitter's fds) must stay alive: Janus may still be inside
    // hangup_media or incoming_rtp on its loop threads when it destroys the
    // plugin.
    void shutdown();
    const std::string& unavailable_reason() const { return unavailable_reason_; }

    // From setup_media (the handle's loop thread, where the DTLS keys live).
    void publisher_up(janus_plugin_session* handle, room::Publisher& publisher);
    // retry: the 1 s check asking again for a subscriber that was not
    // eligible; it changes nothing when subscriber_down ran in the meantime.
    void subscriber_up(janus_plugin_session* handle, room::Subscriber& subscriber,
                       bool retry = false);
    // Before hangup_media / destroy_session return: nothing is sealed for
    // this PeerConnection afterwards.
    void publisher_down(room::Publisher& publisher);
    void subscriber_down(room::Subscriber& subscriber);

    // A kernel leg for an rtp_forward target leaving from `tuple` (its
    // socket's), sealed with `srtp` or plain RTP (SC_PROFILE_NONE): its next
    // hop from the kernel's route and neighbour table. nullptr when there is
    // none; *path says why, or on success which way the leg goes.
    std::shared_ptr<fanout::SealedLeg> forwarder_leg(const datapath::UdpTuple& tuple,
                                                     const datapath::SrtpMaster& srtp,
                                                     std::string* path);

    // Re-decides the path of every stream of a subscriber (after any request
    // that changed it, and periodically).
    void reconcile(room::Subscriber& subscriber);

    // Safety net (worker, every second; no lock held): when libnice moved a
    // subscriber to another pair (ICE restart, renomination), or a
    // renegotiation added media, its legs leave the kernel and are planned
    // again from a fresh read of the transport. True if it was re-read.
    bool check_selected_pair(room::Subscriber& subscriber);

    // Called from libnice's thread when a subscriber's selected pair changes:
    // must not block (the plugin sets a flag and wakes its worker).
    void on_pair_moved(std::function<void()> listener) { pair_listener_ = std::move(listener); }

    // Worker, every second, no lock held: the core's Sender Reports for the
    // subscriber's sealed legs get their counts and a fresh RTP/NTP
    // mapping (janus::update_sender_report_basis).
    void push_sender_reports(room::Subscriber& subscriber);

    // A leg moved between the kernel and the user path. Called after the
    // mirror's and the subscriber's locks are released (the plugin turns it
    // into a Janus event-handler notification).
    struct PathChange {
        room::SessionHandle session = nullptr;  // the subscriber's handle
        int mindex = 0;
        std::string mid;
        uint64_t feed_id = 0;
        bool kernel = false;
        std::string reason;
        // Back to the user path: the core's outbound stream for ssrc takes
        // roc before the fan-out relays to `stream` again (roc_handover).
        std::shared_ptr<room::SubscriberStream> stream;
        uint32_t ssrc = 0;
        uint32_t roc = 0;
    };
    void on_path_change(std::function<void(const PathChange&)> listener) {
        path_listener_ = std::move(listener);
    }

    api::Json describe();

  private:
    std::vector<PathChange> reconcile_locked(room::Subscriber& subscriber);
    void subscriber_down_locked(room::Subscriber& subscriber,
                                std::vector<std::shared_ptr<fanout::SealedLeg>>& leaving);
    bool stopped_ = false;  // guarded by lock_
    std::function<void(const PathChange&)> path_listener_;
    std::function<void()> pair_listener_;

    struct PublisherEntry {
        uint32_t id = 0;
        janus_plugin_session* handle = nullptr;
    };
    struct SubscriberEntry {
        janus_plugin_session* handle = nullptr;
        janus::LegTransport transport;
        NextHop hop;
        size_t streams_seen = 0;  // subscriber streams when transport was read
        // libnice's "new-selected-pair-full" for this PeerConnection: wakes
        // the worker to run check_selected_pair at once. Dropped (and waited
        // for) when the entry goes, in subscriber_down.
        std::unique_ptr<MirrorEnvironment::Watch> watch;
    };
    struct StreamKey {
        uint32_t publisher_id;
        uint32_t ssrc;
        bool operator<(const StreamKey& o) const {
            return publisher_id != o.publisher_id ? publisher_id < o.publisher_id : ssrc < o.ssrc;
        }
    };

    std::string leg_blocker(const room::Subscriber& subscriber, room::SubscriberStream& stream,
                            const room::PublisherStream* source, const SubscriberEntry* entry);
    void enable_leg(room::SubscriberStream& stream, const room::PublisherStream& source,
                    const SubscriberEntry& entry);
    void remove_leg(room::SubscriberStream& stream);
    void note_leg_health(room::SubscriberStream& stream);
    // The leg's counters (under lock_).
    datapath::LegCounters leg_counters(uint32_t leg_id) const;

    std::mutex lock_;
    void log(MirrorEnvironment::LogLevel level, const std::string& line);

    MirrorEnvironment& env_;
    std::unique_ptr<fanout::SealedLegSender> sealed_;
    // The leg table, by leg id: the source stream each leg serves and its
    // SealedLeg (also held by its SubscriberStream, which the fan-out reads).
    struct Leg {
        StreamKey source;
        std::shared_ptr<fanout::SealedLeg> sealed;
    };
    std::map<uint32_t, Leg> legs_;
    std::string unavailable_reason_;
    std::map<const room::Publisher*, PublisherEntry> publishers_;
    std::map<const room::Subscriber*, SubscriberEntry> subscribers_;
    // Subscribers whose transport or next hop could not be read, with why
    // and their handle: the 1 s check asks again (an ARP entry that was not
    // there yet, a pair that was still TURN-relayed), so nobody stays on the
    // user path for a reason that has gone.
    struct SubscriberError {
        janus_plugin_session* handle = nullptr;
        std::string why;
    };
    std::map<const room::Subscriber*, SubscriberError> subscriber_errors_;
    uint32_t next_publisher_id_ = 1;
    uint32_t next_leg_id_ = 1;
};

}  // namespace swiftcall::core
