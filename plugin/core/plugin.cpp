#include "core/plugin.h"

#include <chrono>
#include <optional>

#include "api/api_error.h"
#include "api/field_validator.h"
#include "core/capabilities.h"
#include "core/clock.h"
#include "core/config_file.h"
#include "core/janus_media_sink.h"
#include "janus/janus_bridge.h"
#include "media/rtcp_feedback.h"
#include "version.h"

extern "C" {
#include <debug.h>
}

namespace swiftcall::core {
namespace {

// A kicked handle answers as the stock VideoRoom's does: the publisher's
// handle is in no room any more (425 for a join, 426 otherwise); a kicked
// user's subscription may leave or pause, and everything else is 433. Stock
// answers 433 to configure only and lets start/switch/update through with
// no media behind them; refusing them says so instead of doing nothing.
void refuse_after_kick(Role role, const std::string& request) {
    if (role == Role::none) {
        if (request == "join" || request == "joinandconfigure")
            throw api::ApiError(api::ErrorCode::already_joined,
                                "Not in a room (create a new handle)");
        throw api::ApiError(api::ErrorCode::no_such_room, "No such room");
    }
    if (role == Role::subscriber && request != "leave" && request != "pause")
        throw api::ApiError(api::ErrorCode::unauthorized, "Unauthorized, you have been kicked");
}

api::Json error_event(const api::ApiError& error) {
    api::Json event = api::Json::object();
    event.set("videoroom", "event");
    event.set("error_code", error.numeric_code());
    event.set("error", error.what());
    return event;
}

}  // namespace

Plugin& Plugin::instance() {
    // Never destroyed. On the third SIGINT/SIGTERM Janus calls exit(1) from
    // its signal handler ("leaving immediately") before any plugin's
    // destroy(). A static Plugin would then be destructed with its worker
    // thread still joinable (std::terminate: SIGABRT and a core dump), and
    // under loop threads that may still be in incoming_rtp.
    static Plugin* const plugin = new Plugin;
    return *plugin;
}

Plugin::Plugin() = default;

const char* Plugin::package() const {
    return config_.videoroom_compat ? "janus.plugin.videoroom" : SWIFTCALL_PACKAGE;
}

int Plugin::init(janus_callbacks* gateway, janus_plugin* self, const char* config_folder) {
    if (gateway == nullptr || config_folder == nullptr) return -1;
    const std::string path = std::string(config_folder) + "/" + SWIFTCALL_PACKAGE + ".jcfg";
    try {
        config_ = load_config_file(path);
    } catch (const ConfigError& error) {
        JANUS_LOG(LOG_FATAL, "[SwiftCall] %s: %s\n", path.c_str(), error.what());
        return -1;
    }
    room_store_ = std::make_unique<RoomConfigStore>(config_folder, SWIFTCALL_PACKAGE);
    for (const auto& warning : config_.warnings)
        JANUS_LOG(LOG_WARN, "[SwiftCall] %s: %s\n", path.c_str(), warning.c_str());
    for (const auto& settings : config_.rooms) {
        if (!rooms_.create(settings))
            JANUS_LOG(LOG_WARN, "[SwiftCall] duplicate room %" PRIu64 " in %s\n", settings.id,
                      path.c_str());
    }
    capabilities_ = check_datapath_capabilities();
    gateway_ = gateway;
    self_ = self;
    sink_ = std::make_unique<JanusMediaSink>(gateway, self);
    sink_->on_talking = [this](const room::Publisher& p, const room::PublisherStream& s,
                               bool talking,
                               double average) { notify_talking(p, s, talking, average); };
    mirror_ = std::make_unique<KernelMirror>(mirror_env_, config_.datapath, capabilities_,
                                             config_.tx_ring_slots);
    // Event handlers learn every move of a leg between kernel and user path.
    mirror_->on_path_change([this](const KernelMirror::PathChange& change) {
        api::Json info = api::Json::object();
        info.set("event", "path").set("mid", change.mid).set("feed", change.feed_id);
        info.set("path", change.kernel ? "kernel" : "user").set("reason", change.reason);
        notify_event_handlers(static_cast<janus_plugin_session*>(change.session), info);
    });
    // Kernel legs: sealed by the fan-out and sent by the transmit program.
    fanout_ = std::make_unique<fanout::Fanout>(*sink_, mirror_->sealed_sender());
    nacks_ = std::make_unique<NackResponder>();
    mirror_->on_pair_moved([this] {
        pair_moved_ = true;
        queue_ready_.notify_one();  // no lock: at worst the 1 s tick catches it
    });
    stopping_ = false;
    worker_ = std::thread([this] { worker_loop(); });
    initialized_ = true;
    JANUS_LOG(LOG_INFO, "[SwiftCall] %s initialized as %s: %zu rooms, datapath=%s (%s)\n",
              SWIFTCALL_VERSION_STRING, package(), config_.rooms.size(),
              to_string(config_.datapath),
              mirror_->available()
                  ? "kernel datapath loaded, sealed transmitter"
                  : ("every leg on the user path: " + mirror_->unavailable_reason()).c_str());
    if (config_.datapath == DatapathMode::kernel && !mirror_->available())
        JANUS_LOG(LOG_WARN, "[SwiftCall] datapath = \"kernel\" but %s\n",
                  mirror_->unavailable_reason().c_str());
    return 0;
}

void Plugin::reconcile_all_subscribers() {
    if (!mirror_ || !mirror_->available()) return;
    for (const auto& room : rooms_.all())
        for (const auto& subscriber : room->subscribers()) {
            mirror_->check_selected_pair(*subscriber);
            mirror_->reconcile(*subscriber);
            mirror_->push_sender_reports(*subscriber);
        }
}

void Plugin::destroy() {
    if (!initialized_.exchange(false)) return;
    {
        std::lock_guard guard(queue_lock_);
        stopping_ = true;
    }
    queue_ready_.notify_all();
    if (worker_.joinable()) worker_.join();
    {
        std::lock_guard guard(sessions_lock_);
        sessions_.clear();
    }
    for (const auto& room : rooms_.all()) rooms_.remove(room->id());
    // Detaches the TC program (the links also die with the process if Janus
    // is killed). The mirror and the fan-out stay allocated: Janus may still
    // run hangup_media or incoming_rtp for a handle on its loop threads while
    // it destroys plugins, and the process exits right after.
    if (mirror_) mirror_->shutdown();
    JANUS_LOG(LOG_INFO, "[SwiftCall] destroyed\n");
}

std::shared_ptr<Session> Plugin::find_session(janus_plugin_session* handle) {
    std::lock_guard guard(sessions_lock_);
    auto it = sessions_.find(handle);
    return it == sessions_.end() ? nullptr : it->second;
}

bool Plugin::feed_started(const room::Publisher& publisher) {
    if (!publisher.published()) return false;
    auto session = find_session(static_cast<janus_plugin_session*>(publisher.session));
    return session && session->media_up;
}

void Plugin::create_session(janus_plugin_session* handle, int* error) {
    if (!initialized_) {
        *error = -1;
        return;
    }
    auto session = std::make_shared<Session>(handle);
    std::lock_guard guard(sessions_lock_);
    sessions_[handle] = session;
}

janus_plugin_result* Plugin::handle_message(janus_plugin_session* handle, char* transaction,
                                            json_t* message, json_t* jsep) {
    // Janus hands us a reference to each of message and jsep (and the
    // transaction string) that we must release.
    api::Json body = api::Json::adopt(message);
    api::Json sdp = api::Json::adopt(jsep);
    std::string txn = transaction ? transaction : "";
    g_free(transaction);
    if (!initialized_)
        return janus_plugin_result_new(JANUS_PLUGIN_ERROR, "Plugin not initialized", nullptr);
    auto session = find_session(handle);
    if (!session)
        return janus_plugin_result_new(JANUS_PLUGIN_ERROR, "No session associated with this handle",
                                       nullptr);
    try {
        const std::string request = api::request_name(body.get());
        const Verb* verb = find_verb(request);
        if (verb && verb->sync) {
            api::Json response = (this->*verb->sync)(body.get());
            return janus_plugin_result_new(JANUS_PLUGIN_OK, nullptr, response.release());
        }
        if (!verb)
            throw api::ApiError(api::ErrorCode::invalid_request,
                                "Unknown request '" + request + "'");
        {
            std::lock_guard guard(queue_lock_);
            queue_.push_back(Message{session, txn, std::move(body), std::move(sdp)});
        }
        queue_ready_.notify_one();
        return janus_plugin_result_new(JANUS_PLUGIN_OK_WAIT, nullptr, nullptr);
    } catch (const api::ApiError& error) {
        return janus_plugin_result_new(JANUS_PLUGIN_OK, nullptr, error_event(error).release());
    }
}

json_t* Plugin::handle_admin_message(json_t* message) {
    try {
        const std::string request = api::request_name(message);
        if (request == "datapath") {
            // Live view of the kernel datapath: attached interfaces, legs with
            // their counters, and the per-reason counters of the classifier.
            api::Json response = api::Json::object();
            response.set("videoroom", "success").set("datapath", mirror_->describe());
            return response.release();
        }
        const Verb* verb = find_verb(request);
        if (!verb || !verb->sync)
            throw api::ApiError(api::ErrorCode::invalid_request,
                                "Unknown request '" + request + "'");
        return (this->*verb->sync)(message).release();
    } catch (const api::ApiError& error) {
        return error_event(error).release();
    }
}

void Plugin::worker_loop() {
    int64_t next_periodic_us = monotonic_us();
    while (true) {
        std::optional<Message> message;
        {
            std::unique_lock guard(queue_lock_);
            queue_ready_.wait_for(guard, std::chrono::seconds(1),
                                  [this] { return stopping_ || !queue_.empty() || pair_moved_; });
            if (stopping_) return;
            if (!queue_.empty()) {
                message = std::move(queue_.front());
                queue_.pop_front();
            }
        }
        if (message && !message->session->destroyed) handle_async(*message);
        if (pair_moved_.exchange(false)) check_subscriber_pairs();
        if (monotonic_us() >= next_periodic_us) {
            request_periodic_keyframes(monotonic_us());
            // Legs become kernel-served once their first packet aligned the
            // numbering; stale legs of departed publishers are dropped.
            reconcile_all_subscribers();
            refresh_forwarder_paths();
            next_periodic_us = monotonic_us() + 1000000;
        }
    }
}

void Plugin::check_subscriber_pairs() {
    if (!mirror_ || !mirror_->available()) return;
    for (const auto& room : rooms_.all())
        for (const auto& subscriber : room->subscribers())
            mirror_->check_selected_pair(*subscriber);
}

void Plugin::request_periodic_keyframes(int64_t now_us) {
    // fir_freq: ask every video publisher for a keyframe every N seconds, so
    // late or lossy subscribers recover even without sending PLI themselves.
    for (const auto& room : rooms_.all()) {
        const uint32_t fir_freq = room->settings().fir_freq;
        if (fir_freq == 0) continue;
        for (const auto& publisher : room->publishers()) {
            auto streams = publisher->streams_snapshot();
            if (!streams) continue;
            for (const auto& stream : *streams) {
                if (stream->media.disabled || stream->media.kind != room::MediaKind::video)
                    continue;
                int64_t last;
                {
                    std::lock_guard guard(stream->lock);
                    last = stream->last_keyframe_request_us;
                }
                if (now_us - last >= static_cast<int64_t>(fir_freq) * 1000000)
                    fanout_->request_keyframe(*publisher, *stream, now_us, true);
            }
        }
    }
}

void Plugin::push_event(const std::shared_ptr<Session>& session, const std::string& transaction,
                        api::Json event, api::Json jsep) {
    if (!session || session->destroyed) return;
    const char* tx = transaction.empty() ? nullptr : transaction.c_str();
    int result = gateway_->push_event(session->handle, self_, tx, event.get(), jsep.get());
    if (result == 0) return;
    JANUS_LOG(LOG_WARN, "[SwiftCall] push_event failed: %d%s\n", result,
              jsep ? " (with JSEP): the error goes out without it" : "");
    if (!jsep) return;
    // The core refused the JSEP (it checks our SDP against the handle's
    // state), so the event never left: an acknowledged request must still
    // get its answer, as an error the application can act on.
    api::ApiError error(
        api::ErrorCode::invalid_sdp,
        "Error pushing the event's JSEP (Janus error " + std::to_string(result) + ")");
    result = gateway_->push_event(session->handle, self_, tx, error_event(error).get(), nullptr);
    if (result != 0)
        JANUS_LOG(LOG_WARN, "[SwiftCall] push_event of the error failed too: %d\n", result);
}

void Plugin::notify_event_handlers(janus_plugin_session* handle, api::Json info) {
    if (!config_.notify_events || !gateway_->events_is_enabled()) return;
    // notify_event steals the reference.
    gateway_->notify_event(self_, handle, info.release());
}

void Plugin::handle_async(Message& message) {
    Session& session = *message.session;
    const json_t* body = message.body.get();
    const json_t* jsep = message.jsep.get();
    Reply reply;
    try {
        const std::string request = api::request_name(body);
        Role role;
        {
            std::lock_guard guard(session.lock);
            role = session.role;
        }
        if (session.kicked) refuse_after_kick(role, request);
        if (role == Role::none) {
            if (request != "join" && request != "joinandconfigure")
                throw api::ApiError(api::ErrorCode::join_first,
                                    "Invalid request on unconfigured participant");
            api::validate_fields(body, {{"ptype", api::FieldType::string, true}});
            const std::string ptype = *api::string_field(body, "ptype");
            if (ptype == "publisher") {
                reply = join_publisher(session, body, jsep);
            } else if (ptype == "subscriber" || ptype == "listener") {
                if (request == "joinandconfigure")
                    throw api::ApiError(api::ErrorCode::invalid_element, "Invalid element (ptype)");
                reply = join_subscriber(session, body);
            } else {
                throw api::ApiError(api::ErrorCode::invalid_element, "Invalid element (ptype)");
            }
        } else if (role == Role::publisher) {
            if (request == "join" || request == "joinandconfigure")
                throw api::ApiError(api::ErrorCode::already_joined,
                                    "Already in as a publisher on this handle");
            else if (request == "configure")
                reply = configure_publisher(session, body, jsep);
            else if (request == "publish")
                reply = publish(session, body, jsep);
            else if (request == "unpublish")
                reply = unpublish(session);
            else if (request == "leave")
                reply = leave_publisher(session);
            else
                throw api::ApiError(api::ErrorCode::invalid_request,
                                    "Unknown request '" + request + "'");
        } else {
            if (request == "join" || request == "joinandconfigure")
                throw api::ApiError(api::ErrorCode::already_joined,
                                    "Already in as a subscriber on this handle");
            else if (request == "start")
                reply = start_subscriber(session, jsep);
            else if (request == "pause")
                reply = pause_subscriber(session);
            else if (request == "configure")
                reply = configure_subscriber(session, body);
            else if (request == "switch")
                reply = switch_subscriber(session, body);
            else if (request == "update" || request == "subscribe" || request == "unsubscribe")
                reply = update_subscriber(session, body, request);
            else if (request == "leave")
                reply = leave_subscriber(session);
            else
                throw api::ApiError(api::ErrorCode::invalid_request,
                                    "Unknown request '" + request + "'");
        }
    } catch (const api::ApiError& error) {
        JANUS_LOG(LOG_VERB, "[SwiftCall] request failed: %d %s\n", error.numeric_code(),
                  error.what());
        reply = Reply{error_event(error), api::Json()};
    }
    if (reply.event) push_event(message.session, message.transaction, reply.event, reply.jsep);
    if (reply.followup_event)
        push_event(message.session, "", reply.followup_event, reply.followup_jsep);
    std::shared_ptr<room::Subscriber> subscriber;
    {
        std::lock_guard guard(session.lock);
        subscriber = session.subscriber;
    }
    if (subscriber && mirror_) mirror_->reconcile(*subscriber);
}

void Plugin::setup_media(janus_plugin_session* handle) {
    auto session = find_session(handle);
    if (!session || session->destroyed) return;
    session->media_up = true;
    std::shared_ptr<room::Room> room;
    std::shared_ptr<room::Publisher> publisher;
    std::shared_ptr<room::Subscriber> subscriber;
    {
        std::lock_guard guard(session->lock);
        room = session->room;
        publisher = session->publisher;
        subscriber = session->subscriber;
    }
    if (publisher && room) {
        const uint32_t cap = publisher->bitrate ? publisher->bitrate : room->settings().bitrate;
        if (cap) gateway_->send_remb(handle, cap);
        mirror_->publisher_up(handle, *publisher);
        publisher_media_up_recording(*room, *publisher);
        JANUS_LOG(LOG_INFO, "[SwiftCall] publisher %" PRIu64 " in room %" PRIu64 " is up\n",
                  publisher->id, room->id());
        notify_new_publisher(*room, *publisher);
        api::Json info = api::Json::object();
        info.set("event", "published").set("room", room->id()).set("id", publisher->id);
        notify_event_handlers(handle, info);
    } else if (subscriber) {
        mirror_->subscriber_up(handle, *subscriber);
        std::vector<std::pair<std::shared_ptr<room::PublisherStream>, uint64_t>> sources;
        api::Json paths = api::Json::array();
        {
            std::lock_guard guard(subscriber->lock);
            for (const auto& stream : subscriber->streams) {
                std::lock_guard sg(stream->lock);
                auto source = stream->source.lock();
                if (source && source->media.kind == room::MediaKind::video)
                    sources.emplace_back(source, stream->feed_id);
                JANUS_LOG(LOG_INFO,
                          "[SwiftCall] subscriber leg mid=%s feed=%" PRIu64 " mid=%s: %s\n",
                          stream->mid.c_str(), stream->feed_id, stream->feed_mid.c_str(),
                          stream->kernel.path_reason.c_str());
                api::Json leg = api::Json::object();
                leg.set("mid", stream->mid).set("path", stream->kernel.serving ? "kernel" : "user");
                leg.set("reason", stream->kernel.path_reason);
                paths.append(leg);
            }
        }
        for (const auto& [source, feed] : sources) {
            if (auto p = room ? room->publisher(feed) : nullptr)
                fanout_->request_keyframe(*p, *source, monotonic_us(), true);
        }
        api::Json info = api::Json::object();
        info.set("event", "subscribed").set("room", subscriber->room_id).set("legs", paths);
        notify_event_handlers(handle, info);
    }
}

void Plugin::incoming_rtp(janus_plugin_session* handle, janus_plugin_rtp* packet) {
    if (handle == nullptr || packet == nullptr || packet->buffer == nullptr) return;
    janus_plugin_session* h = handle;
    auto session = find_session(h);
    if (!session || session->destroyed) return;
    std::shared_ptr<room::Publisher> publisher;
    {
        std::lock_guard guard(session->lock);
        publisher = session->publisher;
    }
    if (!publisher) return;
    auto stream = publisher->stream_by_mindex(packet->mindex);
    if (!stream || stream->media.disabled) return;
    fanout_->forward(
        *publisher, *stream,
        std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(packet->buffer), packet->length),
        &packet->extensions, monotonic_us());
}

void Plugin::incoming_rtcp(janus_plugin_session* handle, janus_plugin_rtcp* packet) {
    if (handle == nullptr || packet == nullptr || packet->buffer == nullptr) return;
    auto session = find_session(handle);
    if (!session || session->destroyed) return;
    std::shared_ptr<room::Subscriber> subscriber;
    std::shared_ptr<room::Room> room;
    {
        std::lock_guard guard(session->lock);
        subscriber = session->subscriber;
        room = session->room;
    }
    if (!subscriber || !room) return;  // publishers' RTCP is handled by the core
    auto feedback = media::parse_rtcp_feedback(
        std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(packet->buffer), packet->length));
    // NACKs reach us only for media the kernel serves (the core answers the
    // others itself and strips them).
    if (!feedback.nacks.empty() && nacks_)
        nacks_->answer(handle, *subscriber, feedback.nacks, monotonic_us());
    if (!feedback.keyframe_request) return;
    std::shared_ptr<room::PublisherStream> source;
    uint64_t feed = 0;
    {
        std::lock_guard guard(subscriber->lock);
        for (const auto& stream : subscriber->streams) {
            if (stream->mindex != packet->mindex) continue;
            std::lock_guard sg(stream->lock);
            source = stream->source.lock();
            feed = stream->feed_id;
        }
    }
    if (!source) return;
    if (auto publisher = room->publisher(feed))
        fanout_->request_keyframe(*publisher, *source, monotonic_us());
}

void Plugin::hangup_media(janus_plugin_session* handle) {
    auto session = find_session(handle);
    if (!session) return;
    session->media_up = false;
    std::shared_ptr<room::Room> room;
    std::shared_ptr<room::Publisher> publisher;
    std::shared_ptr<room::Subscriber> subscriber;
    {
        std::lock_guard guard(session->lock);
        room = session->room;
        publisher = session->publisher;
        subscriber = session->subscriber;
    }
    if (publisher && room) {
        unpublish_streams(*room, *publisher, true);
    } else if (subscriber) {
        // Invariant: the legs leave the kernel before Janus frees the PC.
        mirror_->subscriber_down(*subscriber);
        subscriber->paused = true;
        std::lock_guard guard(subscriber->lock);
        subscriber->started = false;
        for (const auto& stream : subscriber->streams) {
            std::lock_guard sg(stream->lock);
            stream->paused = true;
        }
    }
}

void Plugin::destroy_session(janus_plugin_session* handle, int* error) {
    auto session = find_session(handle);
    if (!session) {
        *error = -2;
        return;
    }
    Role role;
    {
        std::lock_guard guard(session->lock);
        role = session->role;
    }
    if (role == Role::publisher) remove_publisher(*session, "leaving");
    if (role == Role::subscriber) detach_subscriber(*session);
    session->destroyed = true;
    std::lock_guard guard(sessions_lock_);
    sessions_.erase(handle);
}

json_t* Plugin::query_session(janus_plugin_session* handle) {
    auto session = find_session(handle);
    if (!session) return nullptr;
    api::Json info = api::Json::object();
    std::lock_guard guard(session->lock);
    const char* role = session->role == Role::publisher    ? "publisher"
                       : session->role == Role::subscriber ? "subscriber"
                                                           : "none";
    // Stock's keys (janus_videoroom_query_session) first, then SwiftCall's
    // own (role, media_up, per-stream counters and paths, transport).
    info.set("type", role).set("role", role);
    info.set_bool("media_up", session->media_up);
    if (session->room) info.set("room", session->room->id());
    if (session->publisher) {
        const auto& p = *session->publisher;
        info.set("id", p.id).set("private_id", p.private_id);
        if (auto display = p.shown_display->get(); !display.empty()) info.set("display", display);
        info.set("bitrate", p.bitrate);
        api::Json streams = api::Json::array();
        if (auto list = session->publisher->streams_snapshot()) {
            for (const auto& s : *list) {
                std::lock_guard sg(s->lock);
                api::Json item = api::Json::object();
                item.set("type", room::to_string(s->media.kind)).set("mindex", s->media.mindex);
                item.set("mid", s->media.mid).set("codec", s->media.codec);
                if (!s->media.description.empty()) item.set("description", s->media.description);
                if (s->simulcast) item.set_bool("simulcast", true);
                if (s->media.kind == room::MediaKind::audio && s->audio_level_ext_id > 0) {
                    item.set("audio-level-dBov", s->talk ? s->talk->level() : -1);
                    item.set_bool("talking", s->talking());
                }
                item.set("packets_in", s->packets_in).set("bytes_in", s->bytes_in);
                item.set("subscribers", static_cast<uint64_t>(s->subscribers.size()));
                if (s->recorder) {
                    // Stock: the file's name; the folder is the room's rec_dir.
                    const std::string& path = s->recorder->path();
                    item.set("recording", path.substr(path.find_last_of('/') + 1));
                    item.set("recording_path", path);
                    item.set("recorded_packets", s->recorder->packets());
                    if (s->recorder->failed()) item.set_bool("recording_failed", true);
                }
                if (s->kernel_publisher_id) {
                    // A delta leg's out index is this in index + its
                    // index_delta.
                    item.set("in_index_highest", s->in_index.highest());
                }
                streams.append(item);
            }
        }
        info.set("streams", streams);
    }
    if (session->subscriber) {
        api::Json streams = api::Json::array();
        std::lock_guard sg(session->subscriber->lock);
        const auto& sub = *session->subscriber;
        if (sub.private_id) info.set("private_id", sub.private_id);
        info.set_bool("answered", sub.answered).set_bool("pending_offer", sub.pending_offer);
        info.set_bool("pending_restart", sub.pending_restart).set_bool("paused", sub.paused);
        for (const auto& s : session->subscriber->streams) {
            std::lock_guard ssg(s->lock);
            api::Json item = api::Json::object();
            item.set("mid", s->mid).set("feed_id", s->feed_id).set("feed_mid", s->feed_mid);
            item.set("type", room::to_string(s->media.kind));
            if (s->media.simulcast)
                item.set("substream", s->simulcast.substream())
                    .set("temporal", s->simulcast.temporal());
            item.set("path", s->kernel.serving ? "kernel" : "user");
            item.set("path_reason", s->kernel.path_reason);
            item.set("kernel_leg", s->kernel.leg_id);
            item.set("skipped_for_kernel", s->kernel.skipped_for_kernel);
            item.set("nacks_answered", s->kernel.nacks_answered);
            item.set("nacks_unanswered", s->kernel.nacks_unanswered);
            if (s->kernel.leg_id) {
                if (s->kernel.first_index != room::KernelLegState::kNone)
                    item.set("kernel_first_index", s->kernel.first_index);
                item.set("last_in_index", s->kernel.last_in_index);
                item.set("last_out_index", s->kernel.last_out_index);
                item.set("index_delta", s->kernel.index_delta);
            }
            item.set("packets_out", s->packets_out).set("bytes_out", s->bytes_out);
            streams.append(item);
        }
        info.set("streams", streams);
    }
    // Janus calls query_session from the admin API's handle_info with the
    // handle mutex held; the bridge must not take it again.
    const std::string transport =
        janus::describe_leg_json(handle, janus::HandleLock::held_by_janus);
    json_error_t error;
    if (json_t* parsed = json_loads(transport.c_str(), 0, &error))
        info.set("transport", api::Json::adopt(parsed));
    const fanout::FanoutCounters& c = fanout_->counters();
    api::Json drops = api::Json::object();
    drops.set("malformed", c.malformed.load()).set("oversized", c.oversized.load());
    drops.set("unknown_substream", c.unknown_substream.load());
    drops.set("moderated", c.moderated.load());
    drops.set("recorded", c.recorded.load());
    drops.set("kernel_served", c.kernel_served.load());
    drops.set("sealed_declined", c.sealed_declined.load());
    drops.set("handover_held", c.handover_held.load());
    info.set("plugin_drops", drops);
    info.set("destroyed", session->destroyed ? 1 : 0);  // stock's, as an integer
    return info.release();
}

}  // namespace swiftcall::core
