// Synchronous VideoRoom verbs: create, edit, destroy, list, exists,
// listparticipants, kick, allowed, moderate (enable_recording is in
// publisher_recording.cpp).
#include <algorithm>
#include <cctype>
#include <set>

#include "api/api_error.h"
#include "api/field_validator.h"
#include "api/secret_check.h"
#include "core/clock.h"
#include "core/plugin.h"
#include "room/stock_room_options.h"

extern "C" {
#include <debug.h>
}

namespace swiftcall::core {

using api::ApiError;
using api::ErrorCode;
using api::FieldType;
using api::Json;

namespace {

Json room_json(const room::RoomSettings& s, size_t participants) {
    Json item = Json::object();
    item.set("room", s.id).set("description", s.description);
    item.set_bool("pin_required", !s.pin.empty()).set_bool("is_private", s.is_private);
    item.set("max_publishers", s.max_publishers).set("bitrate", s.bitrate);
    item.set("fir_freq", s.fir_freq).set_bool("require_pvtid", s.require_pvtid);
    item.set_bool("notify_joining", s.notify_joining);
    std::string audio, video;
    for (const auto& c : s.audiocodecs) audio += (audio.empty() ? "" : ",") + c;
    for (const auto& c : s.videocodecs) video += (video.empty() ? "" : ",") + c;
    item.set("audiocodec", audio).set("videocodec", video);
    item.set("num_participants", static_cast<uint64_t>(participants));
    // Stock's other keys, with what SwiftCall does (stock_room_options.cpp
    // lists these options as not implemented: their values are fixed).
    item.set_bool("require_e2ee", false).set_bool("dummy_publisher", false);
    item.set_bool("record", s.record).set_bool("lock_record", s.lock_record);
    if (!s.rec_dir.empty()) item.set("rec_dir", s.rec_dir);  // stock: absent when unset
    item.set_bool("audiolevel_ext", true).set_bool("audiolevel_event", s.audiolevel_event);
    if (s.audiolevel_event) {
        item.set("audio_active_packets", s.audio_active_packets);
        item.set("audio_level_average", s.audio_level_average);
    }
    item.set_bool("videoorient_ext", true).set_bool("playoutdelay_ext", false);
    item.set_bool("transport_wide_cc_ext", true);
    item.set_bool("opus_fec", true);  // the publisher's own Opus fmtp is kept
    return item;
}

// Stock create options SwiftCall does not implement, typed as stock
// (janus_videoroom.c create_parameters), then refused or logged.
constexpr api::FieldSpec kUnimplementedCreateFields[] = {
    {"signed_tokens", FieldType::boolean},
    {"require_e2ee", FieldType::boolean},
    {"bitrate_cap", FieldType::boolean},
    {"vp9_profile", FieldType::string},
    {"h264_profile", FieldType::string},
    {"opus_fec", FieldType::boolean},
    {"opus_dtx", FieldType::boolean},
    {"video_svc", FieldType::boolean},
    {"audiolevel_ext", FieldType::boolean},
    {"videoorient_ext", FieldType::boolean},
    {"playoutdelay_ext", FieldType::boolean},
    {"transport_wide_cc_ext", FieldType::boolean},
    {"dummy_publisher", FieldType::boolean},
    {"dummy_streams", FieldType::array},
};

std::string option_text(const json_t* value) {
    if (json_is_boolean(value)) return json_is_true(value) ? "true" : "false";
    if (json_is_integer(value)) return std::to_string(json_integer_value(value));
    if (json_is_string(value)) return json_string_value(value);
    char* dumped = json_dumps(value, JSON_COMPACT | JSON_ENCODE_ANY);
    std::string text = dumped ? dumped : "?";
    free(dumped);
    return text.size() > 64 ? text.substr(0, 64) + "..." : text;
}

// Stock options of create/edit that SwiftCall does not implement, as
// {request field, room option}: refused (430) where ignoring them would
// leave the room open, otherwise returned for the caller to log once the
// room is known. Types were checked by validate_fields already.
std::vector<std::string> check_unimplemented(
    const json_t* body, const std::vector<std::pair<const char*, const char*>>& fields) {
    std::vector<std::string> warnings;
    for (const auto& [field, option] : fields) {
        const json_t* value = json_object_get(body, field);
        if (value == nullptr) continue;
        auto unsupported = room::check_unimplemented_room_option(option, option_text(value));
        if (!unsupported) continue;
        if (unsupported->severity == room::UnsupportedSeverity::refuse)
            throw ApiError(ErrorCode::invalid_element,
                           "Invalid element (" + unsupported->message + ")");
        warnings.push_back(std::string(field) == option
                               ? unsupported->message
                               : std::string(field) + " (" + unsupported->message + ")");
    }
    return warnings;
}

void log_unimplemented(uint64_t room, const std::vector<std::string>& warnings) {
    for (const auto& warning : warnings)
        JANUS_LOG(LOG_WARN, "[SwiftCall] room %" PRIu64 ": %s\n", room, warning.c_str());
}

void check_codecs(const json_t* body, const char* field, bool video,
                  std::vector<std::string>& out) {
    if (auto value = api::string_field(body, field)) {
        try {
            out = parse_codec_list(field, *value, video);
        } catch (const ConfigError& error) {
            throw ApiError(ErrorCode::invalid_element, error.what());
        }
    }
}

}  // namespace

std::shared_ptr<room::Room> Plugin::room_for(const json_t* body, bool check_secret) {
    api::validate_fields(body, {{"room", FieldType::positive_integer, true},
                                {"secret", FieldType::string}});
    const uint64_t id = *api::uint_field(body, "room");
    auto room = rooms_.find(id);
    if (!room) throw ApiError(ErrorCode::no_such_room, "No such room (" + std::to_string(id) + ")");
    if (check_secret) {
        api::check_secret(room->settings().secret, body, "secret");
    }
    return room;
}

// The allowed request: enable or disable the token check of a room, or add
// or remove tokens; answers with the whole list (not for disable), as stock.
Json Plugin::room_allowed(const json_t* body) {
    api::validate_fields(body, {{"room", FieldType::positive_integer, true},
                                {"secret", FieldType::string},
                                {"action", FieldType::string, true},
                                {"allowed", FieldType::array}});
    std::string action = *api::string_field(body, "action");
    std::transform(action.begin(), action.end(), action.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (action != "enable" && action != "disable" && action != "add" && action != "remove")
        throw ApiError(ErrorCode::invalid_element,
                       "Unsupported action '" + *api::string_field(body, "action") + "' (allowed)");
    auto room = room_for(body, true);
    const json_t* allowed = json_object_get(body, "allowed");
    const auto tokens = allowed && (action == "add" || action == "remove")
                            ? api::allowed_tokens(allowed)
                            : std::set<std::string>{};
    const auto settings = room->update_settings([&](room::RoomSettings& s) {
        if (action == "enable") s.check_allowed = true;
        if (action == "disable") s.check_allowed = false;
        for (const auto& t : tokens) {
            if (action == "add") s.allowed.insert(t);
            if (action == "remove") s.allowed.erase(t);
        }
    });
    JANUS_LOG(LOG_INFO, "[SwiftCall] room %" PRIu64 ": allowed %s, token check %s, %zu tokens\n",
              room->id(), action.c_str(), settings.check_allowed ? "on" : "off",
              settings.allowed.size());
    Json reply = Json::object();
    reply.set("videoroom", "success").set("room", room->id());
    if (action != "disable") {
        Json list = Json::array();
        for (const auto& t : settings.allowed) list.append(Json::adopt(json_string(t.c_str())));
        reply.set("allowed", list);
    }
    return reply;
}

Json Plugin::room_create(const json_t* body) {
    api::validate_fields(body, {{"room", FieldType::positive_integer},
                                {"description", FieldType::string},
                                {"is_private", FieldType::boolean},
                                {"secret", FieldType::string},
                                {"pin", FieldType::string},
                                {"require_pvtid", FieldType::boolean},
                                {"publishers", FieldType::positive_integer},
                                {"bitrate", FieldType::integer},
                                {"fir_freq", FieldType::integer},
                                {"audiocodec", FieldType::string},
                                {"videocodec", FieldType::string},
                                {"notify_joining", FieldType::boolean},
                                {"permanent", FieldType::boolean},
                                {"allowed", FieldType::array},
                                {"admin_key", FieldType::string},
                                {"record", FieldType::boolean},
                                {"rec_dir", FieldType::string},
                                {"lock_record", FieldType::boolean},
                                {"audiolevel_event", FieldType::boolean},
                                {"audio_active_packets", FieldType::positive_integer},
                                {"audio_level_average", FieldType::positive_integer}});
    api::validate_fields(body, kUnimplementedCreateFields);
    api::check_secret(config_.admin_key, body, "admin_key");
    const json_t* allowed = json_object_get(body, "allowed");
    // Stock checks the array before anything else about the room.
    auto tokens = allowed ? api::allowed_tokens(allowed) : std::set<std::string>{};
    const bool permanent = api::bool_field(body, "permanent").value_or(false);
    if (permanent && !room_store_->available())
        throw ApiError(ErrorCode::unknown, "No configuration file, can't create permanent room");
    room::RoomSettings s;
    s.id = api::uint_field(body, "room").value_or(0);
    s.description = api::string_field(body, "description").value_or("");
    s.is_private = api::bool_field(body, "is_private").value_or(false);
    s.secret = api::string_field(body, "secret").value_or("");
    s.pin = api::string_field(body, "pin").value_or("");
    s.require_pvtid = api::bool_field(body, "require_pvtid").value_or(false);
    s.max_publishers = static_cast<int>(std::min<uint64_t>(api::uint_field(body, "publishers").value_or(3), 1000));
    const int64_t bitrate = api::int_field(body, "bitrate").value_or(0);
    const int64_t fir = api::int_field(body, "fir_freq").value_or(0);
    if (bitrate < 0 || bitrate > (1ll << 31)) throw ApiError(ErrorCode::invalid_element, "Invalid element (bitrate)");
    if (fir < 0 || fir > 3600) throw ApiError(ErrorCode::invalid_element, "Invalid element (fir_freq)");
    s.bitrate = static_cast<uint32_t>(bitrate);
    s.fir_freq = static_cast<uint32_t>(fir);
    s.notify_joining = api::bool_field(body, "notify_joining").value_or(false);
    s.record = api::bool_field(body, "record").value_or(false);
    s.rec_dir = api::string_field(body, "rec_dir").value_or("");
    s.lock_record = api::bool_field(body, "lock_record").value_or(false);
    s.audiolevel_event = api::bool_field(body, "audiolevel_event").value_or(false);
    // Stock: 0 means the default (RoomSettings holds stock's defaults).
    if (auto v = api::uint_field(body, "audio_active_packets"); v && *v)
        s.audio_active_packets = static_cast<int>(std::min<uint64_t>(*v, 100000));
    if (auto v = api::uint_field(body, "audio_level_average"); v && *v)
        s.audio_level_average = static_cast<int>(std::min<uint64_t>(*v, 127));
    // An `allowed` array, even an empty one, turns the check on (stock).
    s.check_allowed = allowed != nullptr;
    s.allowed = std::move(tokens);
    check_codecs(body, "audiocodec", false, s.audiocodecs);
    check_codecs(body, "videocodec", true, s.videocodecs);
    std::vector<std::pair<const char*, const char*>> unimplemented_fields;
    for (const auto& spec : kUnimplementedCreateFields)
        unimplemented_fields.emplace_back(spec.name, spec.name);
    const auto unimplemented = check_unimplemented(body, unimplemented_fields);
    const uint64_t requested = s.id;
    auto room = rooms_.create(std::move(s));
    if (!room)
        throw ApiError(ErrorCode::room_exists, "Room " + std::to_string(requested) + " already exists");
    JANUS_LOG(LOG_INFO, "[SwiftCall] created room %" PRIu64 "\n", room->id());
    log_unimplemented(room->id(), unimplemented);
    // As stock: the room exists either way; "permanent" says whether the
    // jcfg now holds it.
    const bool saved = permanent && room_store_->save(room->settings());
    Json response = Json::object();
    response.set("videoroom", "created").set("room", room->id()).set_bool("permanent", saved);
    return response;
}

Json Plugin::room_edit(const json_t* body) {
    api::validate_fields(body, {{"new_description", FieldType::string},
                                {"new_secret", FieldType::string},
                                {"new_pin", FieldType::string},
                                {"new_is_private", FieldType::boolean},
                                {"new_require_pvtid", FieldType::boolean},
                                {"new_bitrate", FieldType::integer},
                                {"new_fir_freq", FieldType::integer},
                                {"new_publishers", FieldType::positive_integer},
                                {"new_lock_record", FieldType::boolean},
                                {"new_rec_dir", FieldType::string},
                                {"permanent", FieldType::boolean}});
    const bool permanent = api::bool_field(body, "permanent").value_or(false);
    if (permanent && !room_store_->available())
        throw ApiError(ErrorCode::unknown, "No configuration file, can't edit room permanently");
    auto room = room_for(body, true);
    const auto bitrate = api::int_field(body, "new_bitrate");
    if (bitrate && (*bitrate < 0 || *bitrate > (1ll << 31)))
        throw ApiError(ErrorCode::invalid_element, "Invalid element (new_bitrate)");
    const auto fir = api::int_field(body, "new_fir_freq");
    if (fir && (*fir < 0 || *fir > 3600))
        throw ApiError(ErrorCode::invalid_element, "Invalid element (new_fir_freq)");
    // Under the room lock: an edit must not undo a concurrent allowed change.
    room->update_settings([&](room::RoomSettings& s) {
        if (auto v = api::string_field(body, "new_description")) s.description = *v;
        if (auto v = api::string_field(body, "new_secret")) s.secret = *v;
        if (auto v = api::string_field(body, "new_pin")) s.pin = *v;
        if (auto v = api::bool_field(body, "new_is_private")) s.is_private = *v;
        if (auto v = api::bool_field(body, "new_require_pvtid")) s.require_pvtid = *v;
        if (bitrate) s.bitrate = static_cast<uint32_t>(*bitrate);
        if (fir) s.fir_freq = static_cast<uint32_t>(*fir);
        if (auto v = api::uint_field(body, "new_publishers"))
            s.max_publishers = static_cast<int>(std::min<uint64_t>(*v, 1000));
        if (auto v = api::bool_field(body, "new_lock_record")) s.lock_record = *v;
        // Recordings already open stay where they are; the next go here.
        if (auto v = api::string_field(body, "new_rec_dir")) s.rec_dir = *v;
    });
    const bool saved = permanent && room_store_->save(room->settings());
    Json response = Json::object();
    response.set("videoroom", "edited").set("room", room->id()).set_bool("permanent", saved);
    return response;
}

Json Plugin::room_destroy(const json_t* body) {
    api::validate_fields(body, {{"permanent", FieldType::boolean}});
    const bool permanent = api::bool_field(body, "permanent").value_or(false);
    if (permanent && !room_store_->available())
        throw ApiError(ErrorCode::unknown, "No configuration file, can't destroy room permanently");
    auto room = room_for(body, true);
    rooms_.remove(room->id());
    const bool saved = permanent && room_store_->remove(room->id());
    Json event = Json::object();
    event.set("videoroom", "destroyed").set("room", room->id());
    notify_room(*room, event, nullptr);
    std::vector<std::shared_ptr<room::Publisher>> publishers;
    {
        std::lock_guard guard(room->mutex);
        room->destroyed = true;
        for (const auto& [id, p] : room->participants) publishers.push_back(p);
    }
    for (const auto& p : publishers) {
        unpublish_streams(*room, *p, false);
        gateway_->close_pc(static_cast<janus_plugin_session*>(p->session));
    }
    for (const auto& s : room->subscribers())
        gateway_->close_pc(static_cast<janus_plugin_session*>(s->session));
    JANUS_LOG(LOG_INFO, "[SwiftCall] destroyed room %" PRIu64 "\n", room->id());
    Json response = Json::object();
    response.set("videoroom", "destroyed").set("room", room->id()).set_bool("permanent", saved);
    return response;
}

Json Plugin::room_list(const json_t* body) {
    api::validate_fields(body, {{"admin_key", FieldType::string}});
    const bool admin = !config_.admin_key.empty() &&
                       api::equal_in_constant_time(api::string_field(body, "admin_key").value_or(""),
                                                   config_.admin_key);
    Json list = Json::array();
    for (const auto& room : rooms_.all()) {
        const auto s = room->settings();
        if (s.is_private && !admin) continue;
        size_t count;
        {
            std::lock_guard guard(room->mutex);
            count = room->participants.size();
        }
        list.append(room_json(s, count));
    }
    Json response = Json::object();
    response.set("videoroom", "success").set("list", list);
    return response;
}

Json Plugin::room_exists(const json_t* body) {
    api::validate_fields(body, {{"room", FieldType::positive_integer, true}});
    const uint64_t id = *api::uint_field(body, "room");
    Json response = Json::object();
    response.set("videoroom", "success").set("room", id).set_bool("exists", rooms_.find(id) != nullptr);
    return response;
}

Json Plugin::room_list_participants(const json_t* body) {
    auto room = room_for(body, false);
    Json list = Json::array();
    for (const auto& p : room->publishers()) {
        Json item = Json::object();
        item.set("id", p->id);
        if (!p->display.empty()) item.set("display", p->display);
        const bool started = feed_started(*p);
        item.set_bool("publisher", started);
        if (started) {
            if (auto talking = p->talking()) item.set_bool("talking", *talking);
        }
        list.append(item);
    }
    Json response = Json::object();
    response.set("videoroom", "participants").set("room", room->id()).set("participants", list);
    return response;
}

Json Plugin::room_kick(const json_t* body) {
    api::validate_fields(body, {{"id", FieldType::positive_integer, true}});
    auto room = room_for(body, true);
    const uint64_t id = *api::uint_field(body, "id");
    auto publisher = room->publisher(id);
    if (!publisher) throw ApiError(ErrorCode::no_such_feed, "No such user " + std::to_string(id) + " in room " + std::to_string(room->id()));
    std::shared_ptr<Session> session = find_session(static_cast<janus_plugin_session*>(publisher->session));
    Json kicked = Json::object();
    kicked.set("videoroom", "event").set("room", room->id()).set("leaving", "ok").set("reason", "kicked");
    if (session) {
        session->kicked = true;
        push_event(session, "", kicked, Json());
        remove_publisher(*session, "kicked");
        gateway_->close_pc(session->handle);
    }
    // With require_pvtid a subscription is tied to its publisher's private
    // id, so it goes with the publisher: stock marks it kicked and stops its
    // media; here its PeerConnection is closed as well (what stock's own
    // FIXME asks for), so hangup_media takes its legs out of the kernel.
    if (room->settings().require_pvtid) {
        for (const auto& sub : room->subscribers()) {
            if (sub->private_id != publisher->private_id) continue;
            auto sub_session = find_session(static_cast<janus_plugin_session*>(sub->session));
            if (!sub_session) continue;
            sub_session->kicked = true;
            gateway_->close_pc(sub_session->handle);
            JANUS_LOG(LOG_INFO,
                      "[SwiftCall] room %" PRIu64 ": subscription of kicked user %" PRIu64
                      " closed (require_pvtid)\n",
                      room->id(), id);
        }
    }
    Json response = Json::object();
    response.set("videoroom", "success");
    return response;
}

// moderate: mute or unmute one stream of a publisher for every subscriber,
// kernel-served ones included (the mirror moves their legs to the user
// path, where the fan-out drops the stream), with stock's checks, event and
// answer.
Json Plugin::room_moderate(const json_t* body) {
    api::validate_fields(body, {{"room", FieldType::positive_integer, true},
                                {"id", FieldType::positive_integer, true},
                                {"secret", FieldType::string},
                                {"mid", FieldType::string, true},
                                {"mute", FieldType::boolean, true}});
    auto room = room_for(body, true);
    const uint64_t id = *api::uint_field(body, "id");
    const std::string mid = *api::string_field(body, "mid");
    const bool mute = *api::bool_field(body, "mute");
    auto publisher = room->publisher(id);
    if (!publisher)
        throw ApiError(ErrorCode::no_such_feed, "No such user " + std::to_string(id) + " in room " +
                                                    std::to_string(room->id()));
    auto stream = publisher->stream_by_mid(mid);
    if (!stream) throw ApiError(ErrorCode::no_such_feed, "No such stream " + mid);
    const bool was_muted = stream->muted.exchange(mute);
    if (was_muted && !mute) {
        // Resumed: subscribers' numbering re-syncs over the gap (stock resets
        // its RTP context), and video restarts from a keyframe.
        std::vector<std::shared_ptr<room::SubscriberStream>> subs;
        {
            std::lock_guard guard(stream->lock);
            subs = stream->subscribers;
        }
        for (const auto& sub : subs) {
            std::lock_guard sg(sub->lock);
            sub->rewriter.force_resync();
        }
        if (stream->media.kind == room::MediaKind::video)
            fanout_->request_keyframe(*publisher, *stream, monotonic_us(), true);
    }
    // Kernel legs follow at once, not at the next periodic re-plan.
    for (const auto& sub : room->subscribers()) mirror_->reconcile(*sub);
    JANUS_LOG(LOG_INFO, "[SwiftCall] room %" PRIu64 ": publisher %" PRIu64 " mid %s %s\n",
              room->id(), id, mid.c_str(), mute ? "muted" : "unmuted");
    Json event = Json::object();
    event.set("videoroom", "event").set("room", room->id()).set("id", id).set("mid", mid);
    event.set("moderation", mute ? "muted" : "unmuted");
    notify_room(*room, event, nullptr);  // the moderated publisher hears it too (stock)
    Json info = Json::object();
    info.set("videoroom", "moderated").set("room", room->id()).set("id", id).set("mid", mid);
    info.set("moderation", mute ? "muted" : "unmuted");
    notify_event_handlers(nullptr, info);
    Json response = Json::object();
    response.set("videoroom", "success");
    return response;
}

void Plugin::notify_room(room::Room& room, const Json& event, const room::Publisher* except) {
    for (const auto& p : room.publishers()) {
        if (p.get() == except) continue;
        if (auto session = find_session(static_cast<janus_plugin_session*>(p->session)))
            push_event(session, "", event, Json());
    }
}

}  // namespace swiftcall::core
