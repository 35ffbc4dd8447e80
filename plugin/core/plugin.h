// The SwiftCall plugin behind the C ABI: owns rooms, sessions, the request
// worker and the media path. abi.cpp forwards each janus_plugin callback to
// one method here.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>

#include "api/json.h"
#include "core/capabilities.h"
#include "core/janus_mirror_environment.h"
#include "core/kernel_mirror.h"
#include "core/nack_responder.h"
#include "core/plugin_config.h"
#include "core/room_config_store.h"
#include "core/session.h"
#include "fanout/fanout.h"
#include "room/room_registry.h"

namespace swiftcall::core {

class JanusMediaSink;

class Plugin {
  public:
    static Plugin& instance();

    int init(janus_callbacks* gateway, janus_plugin* self, const char* config_folder);
    void destroy();
    const char* package() const;

    void create_session(janus_plugin_session* handle, int* error);
    janus_plugin_result* handle_message(janus_plugin_session* handle, char* transaction,
                                        json_t* message, json_t* jsep);
    json_t* handle_admin_message(json_t* message);
    void setup_media(janus_plugin_session* handle);
    void incoming_rtp(janus_plugin_session* handle, janus_plugin_rtp* packet);
    void incoming_rtcp(janus_plugin_session* handle, janus_plugin_rtcp* packet);
    void hangup_media(janus_plugin_session* handle);
    void destroy_session(janus_plugin_session* handle, int* error);
    json_t* query_session(janus_plugin_session* handle);

  private:
    struct Message {
        std::shared_ptr<Session> session;
        std::string transaction;
        api::Json body;
        api::Json jsep;
    };

    Plugin();
    std::shared_ptr<Session> find_session(janus_plugin_session* handle);
    // A feed subscribers can take: published and its PeerConnection up
    // (stock's session->started, set in setup_media): before that stock
    // answers 428 to a subscription and lists it as no publisher.
    bool feed_started(const room::Publisher& publisher);
    void worker_loop();
    void check_subscriber_pairs();
    void handle_async(Message& message);
    void request_periodic_keyframes(int64_t now_us);

    // Every request the plugin knows (verb_table.cpp): a synchronous one is
    // answered inline by its handler (room management; throws
    // api::ApiError), an asynchronous one (sync == nullptr) is queued for the
    // worker, which dispatches it by the handle's role (handle_async).
    struct Verb {
        const char* name;
        api::Json (Plugin::*sync)(const json_t* body);
    };
    static const Verb* find_verb(const std::string& request);

    // Synchronous verbs; throw api::ApiError.
    api::Json room_create(const json_t* body);
    api::Json room_edit(const json_t* body);
    api::Json room_destroy(const json_t* body);
    api::Json room_list(const json_t* body);
    api::Json room_exists(const json_t* body);
    api::Json room_list_participants(const json_t* body);
    api::Json room_kick(const json_t* body);
    api::Json room_allowed(const json_t* body);
    api::Json room_moderate(const json_t* body);
    api::Json room_enable_recording(const json_t* body);
    // rtp_forward, stop_rtp_forward, listforwarders (rtp_forward_requests.cpp).
    api::Json room_rtp_forward(const json_t* body);
    api::Json room_stop_rtp_forward(const json_t* body);
    api::Json room_list_forwarders(const json_t* body);
    // lock_rtp_forward with an admin_key: the key is required, as stock.
    void check_rtp_forward_key(const json_t* body);
    // Worker, every second: forwarders move to a kernel leg once their
    // next hop resolves (their first packets on the socket fill the
    // neighbour entry).
    void refresh_forwarder_paths();
    std::shared_ptr<room::Room> room_for(const json_t* body, bool check_secret);

    // Asynchronous verbs; each returns the event and optional jsep to push.
    struct Reply {
        api::Json event;
        api::Json jsep;
        // Pushed after the reply, with no transaction: an offer that was
        // held back while a previous one was unanswered.
        api::Json followup_event{};
        api::Json followup_jsep{};
    };
    Reply join_publisher(Session& session, const json_t* body, const json_t* jsep);
    Reply configure_publisher(Session& session, const json_t* body, const json_t* jsep);
    Reply publish(Session& session, const json_t* body, const json_t* jsep);
    Reply unpublish(Session& session);
    Reply leave_publisher(Session& session);
    Reply join_subscriber(Session& session, const json_t* body);
    Reply start_subscriber(Session& session, const json_t* jsep);
    Reply pause_subscriber(Session& session);
    Reply configure_subscriber(Session& session, const json_t* body);
    Reply switch_subscriber(Session& session, const json_t* body);
    Reply update_subscriber(Session& session, const json_t* body, const std::string& request);
    Reply leave_subscriber(Session& session);

    // Recording (publisher_recording.cpp). *_locked: the caller holds
    // publisher.recording_lock.
    void start_recording_locked(room::Room& room, room::Publisher& publisher, bool ask_keyframe);
    void stop_recording_locked(room::Publisher& publisher);
    // Sets recording_active; a change starts (media_up: the PeerConnection
    // is up, with a keyframe request) or stops the stream recorders.
    void set_recording_locked(room::Room& room, room::Publisher& publisher, bool active,
                              bool media_up);
    // A request's "record" / "filename"; throws api::ApiError.
    void apply_record_fields(const std::shared_ptr<room::Room>& room, room::Publisher& publisher,
                             bool media_up, const json_t* body);
    void publisher_media_up_recording(room::Room& room, room::Publisher& publisher);
    void publisher_streams_replaced_recording(room::Room& room, room::Publisher& publisher,
                                              bool media_up);
    void publisher_down_recording(room::Publisher& publisher);

    // Teardown shared by unpublish, hangup, leave, kick and destroy.
    void unpublish_streams(room::Room& room, room::Publisher& publisher, bool notify);
    void remove_publisher(Session& session, const char* reason);
    void detach_subscriber(Session& session);

    void notify_room(room::Room& room, const api::Json& event, const room::Publisher* except);
    void notify_new_publisher(room::Room& room, const room::Publisher& publisher);
    // "talking" / "stopped-talking" to the whole room (the speaker too, as
    // stock) and the event handlers; from the media thread, no lock held.
    void notify_talking(const room::Publisher& publisher, const room::PublisherStream& stream,
                        bool talking, double average_dbov);
    // Janus event handlers (when enabled): joined, published, unpublished,
    // leaving, subscribed, with the path each subscriber leg takes.
    void notify_event_handlers(janus_plugin_session* handle, api::Json info);
    void push_event(const std::shared_ptr<Session>& session, const std::string& transaction,
                    api::Json event, api::Json jsep);
    api::Json publisher_json(const room::Publisher& publisher) const;
    api::Json subscriber_streams_json(room::Subscriber& subscriber) const;
    api::Json subscriber_offer(room::Subscriber& subscriber);
    void autoupdate_subscribers(room::Room& room, const std::set<room::SessionHandle>& affected);
    void reconcile_all_subscribers();

    janus_callbacks* gateway_ = nullptr;
    janus_plugin* self_ = nullptr;
    PluginConfig config_;
    CapabilityReport capabilities_;
    room::RoomRegistry rooms_;
    std::unique_ptr<RoomConfigStore> room_store_;  // permanent rooms
    std::unique_ptr<JanusMediaSink> sink_;
    JanusMirrorEnvironment mirror_env_;  // outlives mirror_ (declared first)
    std::unique_ptr<KernelMirror> mirror_;
    std::unique_ptr<fanout::Fanout> fanout_;
    std::unique_ptr<NackResponder> nacks_;

    std::mutex sessions_lock_;
    std::unordered_map<janus_plugin_session*, std::shared_ptr<Session>> sessions_;

    std::mutex queue_lock_;
    std::condition_variable queue_ready_;
    std::deque<Message> queue_;
    bool stopping_ = false;
    // Set from libnice's thread when a subscriber's ICE pair changed: the
    // worker re-plans that subscriber's legs at once instead of within 1 s.
    std::atomic<bool> pair_moved_{false};
    std::thread worker_;
    std::atomic<bool> initialized_{false};
};

}  // namespace swiftcall::core
