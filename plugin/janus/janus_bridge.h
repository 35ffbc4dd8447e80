// The bridge to Janus internals: transport facts of a plugin session's
// PeerConnection that Janus's plugin API does not expose (selected ICE pair,
// DTLS-SRTP profile and keys, SSRCs, extension ids), and notice of ICE pair
// changes. Only the .cpp files next to this header include Janus's internal
// headers; this one is plain C++.
//
// Every function here is safe to call from any thread at any time, including
// concurrently with a hangup: each takes the plugin session and ICE handle
// references and the handle mutex exactly as Janus's own janus.c does, and
// returns nothing when the PeerConnection is gone.
//
// Two rules follow from taking the handle mutex:
//  * In query_session, pass HandleLock::held_by_janus: Janus 1.1.2 calls it
//    only from the admin API's handle_info, which already holds that mutex
//    (janus.c, janus_admin_handle_info); taking it again self-deadlocks.
//  * Never call these while holding a lock your query_session also takes:
//    the admin thread holds the handle mutex while it waits for that lock.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "leg_report.h"
#include "leg_transport.h"

struct janus_plugin_session;

namespace swiftcall::janus {

// True when the running core is the Janus version whose headers this bridge
// was compiled against (janus_version 1102 for 1.1.2); otherwise every reader
// below refuses, and *why says so in one line fit for the log. Cheap after
// the first call.
bool janus_core_version_supported(std::string* why = nullptr);

// janus_version of the headers we compiled against (e.g. 1102).
int janus_headers_version();

// Who holds janus_ice_handle::mutex around the call.
enum class HandleLock {
    take,           // the bridge takes it (everywhere but query_session)
    held_by_janus,  // inside query_session: the core already holds it
};

// The leg, when the kernel can serve it; otherwise nullopt and *why_not one of
// "Janus core version mismatch: ...", "plugin session is gone",
// "no PeerConnection", "ICE not connected (state X)", "no selected pair",
// "selected pair is TURN relay", "TCP candidate", "DTLS not up",
// "unsupported SRTP profile X", "cannot export SRTP keying material", ...
// Best called from setup_media for the keys: that is the loop thread owning
// the DTLS SSL*, and the keys never change for that PeerConnection.
std::optional<LegTransport> read_leg_transport(janus_plugin_session* handle,
                                               std::string* why_not = nullptr);

// Whatever could be read, with the reason the kernel cannot serve it (if any).
LegReport read_leg_report(janus_plugin_session* handle, HandleLock lock = HandleLock::take);

// read_leg_report as JSON text for query_session / the admin API; keys are
// redacted to their lengths.
std::string describe_leg_json(janus_plugin_session* handle, HandleLock lock = HandleLock::take);

// Whether the core answers this medium's NACKs from its own retransmission
// buffer (and strips them before the plugin sees the RTCP). Off while the
// kernel serves the medium: the core's buffer lacks the kernel's packets, so
// the plugin answers (retransmit.cpp).
bool set_core_answers_nacks(janus_plugin_session* handle, int mindex, bool core_answers,
                            std::string* why_not = nullptr);

// The rollover counter of the core's outbound SRTP stream for `ssrc`, for
// its next packet: a leg handed back from a kernel transmitter continues at
// an index the core's libsrtp never saw, and after 2^15 or more packets its
// own guess (from the last sequence number it protected) takes the wrong
// ROC: the receiver rejects every packet, and the keystream of an index
// the kernel already used could be reused. libsrtp takes it as pending and
// applies it to the next packet it protects for `ssrc`. False (*why_not)
// without a connected DTLS-SRTP context or a stream for `ssrc` yet (the
// core creates it with its first packet).
bool set_outbound_roc(janus_plugin_session* handle, std::uint32_t ssrc, std::uint32_t roc,
                      std::string* why_not = nullptr);

// Sends bytes (an SRTP packet the caller protected) on the handle's selected
// ICE pair, exactly as the core sends media. False (and *why_not) when there
// is no PeerConnection or libnice refused.
bool send_on_selected_pair(janus_plugin_session* handle, const std::uint8_t* data,
                           std::size_t length, std::string* why_not = nullptr);

// Sender Reports of a kernel-served medium: the core builds them from its
// own send counters and its last (wall-clock time, RTP timestamp) pair, which
// only see what it sent. This moves the pair to the newest packet the kernel
// sent (rtp_ts at wallclock_us, gettimeofday µs; 0 keeps it) and adds the
// kernel's packets and bytes, so receivers get true counts and a fresh
// RTP/NTP mapping for lip sync.
bool update_sender_report_basis(janus_plugin_session* handle, int mindex, std::uint32_t rtp_ts,
                                std::int64_t wallclock_us, std::uint64_t add_packets,
                                std::uint64_t add_bytes, std::string* why_not = nullptr);

// The pair libnice currently uses, without the DTLS and media parts: cheap
// enough for a periodic timer. nullopt when there is none (or no PC).
std::optional<SelectedPair> read_selected_pair(janus_plugin_session* handle,
                                               std::string* why_not = nullptr);

// Safety net for a missed signal: true when the handle's selected pair (or
// its ICE agent) is not the one `known` was read from.
bool selected_pair_changed(janus_plugin_session* handle, const SelectedPair& known,
                           std::int64_t known_agent_created_us);

// Called when libnice selects a new pair ("new-selected-pair-full").
// THREAD: the GLib loop thread that runs this handle's ICE agent (Janus's
// per-handle "hloop" thread, or one of the shared event loop threads when
// event_loops > 0) -- the same thread that delivers incoming_rtp for it.
// libnice may emit it from inside a nice_agent_* call Janus makes while
// holding the handle's mutex, so the callback must not block and must not
// call read_* on the same handle: record the pair / queue work and return.
using PairChangedFn = std::function<void(const SelectedPair& pair)>;

struct PairWatchState;

// Subscription token: disconnects in its destructor (or unsubscribe()), from
// any thread but the callback itself; the callback never runs after
// unsubscribe() returns (it waits for a running one), so do not hold a lock
// the callback takes while unsubscribing. Holds a reference on the ICE agent
// so that disconnecting stays safe after Janus closed the PeerConnection;
// drop it in hangup_media.
class PairWatch {
  public:
    PairWatch() = default;
    ~PairWatch() { unsubscribe(); }
    PairWatch(PairWatch&& other) noexcept;
    PairWatch& operator=(PairWatch&& other) noexcept;
    PairWatch(const PairWatch&) = delete;
    PairWatch& operator=(const PairWatch&) = delete;

    void unsubscribe();
    bool active() const { return agent_ != nullptr; }
    // The agent this watch is on (compare with LegTransport::agent_created_us).
    std::int64_t agent_created_us() const { return agent_created_us_; }

  private:
    friend std::optional<PairWatch> watch_selected_pair(janus_plugin_session*, PairChangedFn,
                                                        std::string*);
    std::shared_ptr<PairWatchState> state_;
    void* agent_ = nullptr;  // NiceAgent*, referenced
    unsigned long signal_id_ = 0;
    std::int64_t agent_created_us_ = 0;
};

// Subscribes to the handle's current ICE agent. nullopt (and *why_not) when
// there is no agent yet. A new PeerConnection on the same handle gets a new
// agent: subscribe again from setup_media.
std::optional<PairWatch> watch_selected_pair(janus_plugin_session* handle, PairChangedFn on_change,
                                             std::string* why_not = nullptr);

}  // namespace swiftcall::janus
