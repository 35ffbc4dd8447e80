// The people in a room and their media streams. Plain C++: the session
// pointer is opaque here (the Janus glue owns what it points at), so the
// whole model and the fan-out over it are unit-testable.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "media/packet_history.h"
#include "media/rtp_rewriter.h"
#include "media/simulcast_selector.h"
#include "media/srtp_index.h"
#include "media/stream_recorder.h"
#include "media/talk_detector.h"
#include "media/vp8_descriptor.h"
#include "room/media_description.h"

namespace swiftcall::fanout {
class SealedLeg;     // the sealed transmitter's leg (plugin/fanout/sealed_leg.h)
class RtpForwarder;  // an rtp_forward target (plugin/fanout/rtp_forwarder.h)
}

namespace swiftcall::room {

using SessionHandle = void*;
struct SubscriberStream;

struct PublisherStream {
    MediaDescription media;
    // Simulcast: substream i is ssrcs[i] (learned from rids when the offer
    // used rids); index 0 is the lowest quality, as in VideoRoom.
    bool simulcast = false;
    int rid_extension_id = -1;
    std::array<std::string, 3> rids;
    // Audio: the publisher's ssrc-audio-level extension id (0: none), and
    // with audiolevel_event its talk detector (media thread; set before
    // the stream is published, never replaced).
    int audio_level_ext_id = 0;
    std::unique_ptr<media::TalkDetector> talk;
    bool talking() const;

    std::mutex lock;  // guards everything below
    std::array<uint32_t, 3> ssrcs{0, 0, 0};
    std::vector<std::shared_ptr<SubscriberStream>> subscribers;
    // The stream's SRTP index in the numbering the plugin receives (the
    // core's: janus_rtp_header_update keeps it continuous across the
    // publisher's SSRC changes): what delta legs count from.
    media::SrtpIndexTracker in_index;
    // Set by the kernel mirror once the publisher's transport is read (its
    // legs may then be sealed); read lock-free by the fan-out.
    std::atomic<uint32_t> kernel_publisher_id{0};
    std::atomic<uint32_t> kernel_ssrc{0};
    int64_t last_keyframe_request_us = INT64_MIN / 2;  // never asked yet
    // "moderate" mute: nothing of this stream reaches any subscriber, on
    // the user path or the sealed one (Fanout drops it before either, and
    // the mirror takes its legs back to user space). Read without the lock
    // by the mirror.
    std::atomic<bool> muted{false};
    // Video with sealed legs: the last packets as the plugin got them, to answer
    // NACKs for what delta legs sealed (datapath::protect_for_leg).
    std::unique_ptr<media::PacketHistory> history;
    // While the publisher is recorded: what the fan-out writes each packet
    // to (after the moderation check, as stock: a muted stream is not
    // recorded). Swapped by the control thread under this lock.
    std::unique_ptr<media::StreamRecorder> recorder;
    // rtp_forward targets of this stream; they go with it (unpublish, leave).
    std::vector<std::shared_ptr<fanout::RtpForwarder>> forwarders;
    uint64_t packets_in = 0;
    uint64_t bytes_in = 0;
};

// A publisher's display name as its subscribers' stream lists show it
// ("feed_display"). Its own lock, because those lists are built under
// subscriber locks, which rank below the room mutex that guards
// Publisher::display; every write of display writes this too.
class DisplayName {
  public:
    std::string get() const {
        std::lock_guard guard(lock_);
        return value_;
    }
    void set(std::string value) {
        std::lock_guard guard(lock_);
        value_ = std::move(value);
    }

  private:
    mutable std::mutex lock_;
    std::string value_;
};

struct Publisher {
    uint64_t id = 0;
    uint64_t room_id = 0;
    std::string display;  // guarded by the room mutex
    std::shared_ptr<DisplayName> shown_display = std::make_shared<DisplayName>();
    uint32_t private_id = 0;
    SessionHandle session = nullptr;
    uint32_t bitrate = 0;  // REMB cap in bps, 0 = room default
    // The publisher's own audio_active_packets / audio_level_average (0:
    // the room's), from join or configure.
    std::atomic<int> user_audio_active_packets{0};
    std::atomic<int> user_audio_level_average{0};
    // Recording (stock: recording_active, recording_base). Guarded by
    // recording_lock, which ranks above PublisherStream::lock.
    std::mutex recording_lock;
    bool recording_active = false;
    std::string recording_base;  // the publisher's "filename"; empty: stock's own names

    // Streams are replaced as a whole on (re)publish; the media thread takes
    // a snapshot per packet instead of holding the room lock.
    std::shared_ptr<const std::vector<std::shared_ptr<PublisherStream>>> streams_snapshot() const {
        std::lock_guard guard(streams_lock_);
        return streams_;
    }
    void set_streams(std::vector<std::shared_ptr<PublisherStream>> streams) {
        auto list = std::make_shared<const std::vector<std::shared_ptr<PublisherStream>>>(
            std::move(streams));
        std::lock_guard guard(streams_lock_);
        streams_ = std::move(list);
    }
    std::shared_ptr<PublisherStream> stream_by_mid(const std::string& mid) const;
    std::shared_ptr<PublisherStream> stream_by_mindex(int mindex) const;
    // Stock's "talking": set when an audio stream carries the audio-level
    // extension (true while one of them talks), absent otherwise.
    std::optional<bool> talking() const;
    bool published() const {
        auto s = streams_snapshot();
        return s && !s->empty();
    }

  private:
    mutable std::mutex streams_lock_;
    std::shared_ptr<const std::vector<std::shared_ptr<PublisherStream>>> streams_;
};

// How one subscriber stream relates to the sealed transmitter. Guarded by
// the owning SubscriberStream::lock. The fan-out decides per packet whether
// the leg is sealed or relayed by Janus, so nothing is sent twice or not at
// all (DESIGN §4.2); what is kept here is the leg's numbering, for the
// NACK answers and the hand-over back to Janus.
struct KernelLegState {
    static constexpr uint64_t kNone = UINT64_MAX;

    uint32_t leg_id = 0;   // 0 = no sealed leg
    bool serving = false;  // the sealed transmitter serves this leg
    // While serving: in-index of the first packet sealed for the leg (kNone
    // until there is one); NACKs from there on get the sealed bytes.
    uint64_t first_index = kNone;
    std::string path_reason = "user path: leg not up yet";
    // The last packet rewritten for this stream (sealed or relayed): a new
    // sealed leg continues with exactly these offsets.
    bool synced = false;
    uint64_t last_in_index = 0;
    uint64_t last_out_index = 0;
    uint32_t ts_delta = 0;
    uint64_t index_delta = 0;  // out index - in index of the serving leg
    uint32_t out_ssrc = 0;     // the leg's SSRC (what the subscriber's NACKs name)
    // Sender Reports: the newest kernel-sent packet's out timestamp and the
    // wall-clock time (µs) user space saw it; the leg's kernel packets and
    // bytes already added to the core's SR counters.
    uint32_t sr_rtp_ts = 0;
    int64_t sr_wallclock_us = 0;
    uint64_t sr_packets_pushed = 0;
    uint64_t sr_bytes_pushed = 0;
    uint64_t skipped_for_kernel = 0;
    // NACKs for sealed packets answered by the plugin, and asked for but not
    // answerable (before the sealed period, out of history, over budget).
    uint64_t nacks_answered = 0;
    uint64_t nacks_unanswered = 0;
    int64_t nack_budget_start_us = 0;
    uint32_t nack_budget_used = 0;
    // The leg's counters at the mirror's last look, and why the leg was
    // taken off the kernel for good (sends failing and none going out: the
    // egress interface is gone, say); cleared with the PeerConnection.
    uint64_t checked_packets = 0;
    uint64_t checked_errors = 0;
    std::string failure;
    // A leg just handed back from the sealed transmitter: the core's libsrtp
    // stream must take the ROC of the leg's next index before the plugin
    // relays to it (janus::set_outbound_roc, after the mirror's locks are
    // released); until then the fan-out holds the leg's packets back,
    // numbering continuous (counted: handover_held).
    bool roc_handover = false;
    // configure {"datapath": "user"}: keep this leg in user space even when
    // it could be served by the kernel (operators, A/B checks, tests).
    bool user_forced = false;
};

struct SubscriberStream {
    int mindex = 0;
    std::string mid;
    SessionHandle session = nullptr;  // the subscriber's

    std::mutex lock;  // guards everything below
    uint64_t feed_id = 0;
    std::string feed_mid;
    std::weak_ptr<PublisherStream> source;
    std::shared_ptr<const DisplayName> feed_display;  // the source publisher's
    MediaDescription media;  // the source's, as described to the subscriber
    int payload_type = 0;    // what the subscriber's SDP says for this codec
    bool active = true;      // false once the feed is gone
    bool send = true;        // false after configure {"send": false} on this stream
    std::string crossrefid;  // the application's tag for this stream, echoed back
    bool paused = false;     // the whole subscription is paused
    media::RtpRewriter rewriter;
    media::SimulcastSelector simulcast;
    media::Vp8ContinuityRewriter vp8;
    media::SrtpIndexTracker out_index;
    KernelLegState kernel;
    // Set while the sealed transmitter serves this stream (kernel.serving
    // too); the fan-out seals into it instead of relaying.
    std::shared_ptr<fanout::SealedLeg> sealed;
    uint64_t packets_out = 0;
    uint64_t bytes_out = 0;
};

struct Subscriber {
    uint64_t room_id = 0;
    SessionHandle session = nullptr;
    uint32_t private_id = 0;  // of the publisher this subscriber belongs to
    std::atomic<bool> paused{false};
    bool started = false;
    uint64_t sdp_session_id = 0;  // set with the first offer: media::new_sdp_session_id()
    uint64_t sdp_version = 1;
    std::mutex lock;  // guards streams, answered, pending_offer
    std::vector<std::shared_ptr<SubscriberStream>> streams;
    // As stock: an offer is out until the subscriber's answer arrives; a
    // change meanwhile is not offered at once ("updating") but once the
    // answer is in, so two offers are never in flight.
    bool answered = false;
    bool pending_offer = false;
    bool pending_restart = false;  // the held-back offer also restarts ICE
    // join's "autoupdate" (default true): a new offer when a subscribed
    // feed goes away. When false, or skipped, the next update offers anyway.
    bool autoupdate = true;
    bool skipped_autoupdate = false;
};

}  // namespace swiftcall::room
