// Publisher verbs: join, configure/publish (with the SDP offer), unpublish,
// leave, and the notifications other participants get about them.
#include <algorithm>
#include <cctype>
#include <set>

#include "api/api_error.h"
#include "api/field_validator.h"
#include "api/secret_check.h"
#include "core/plugin.h"
#include "media/sdp_negotiation.h"

extern "C" {
#include <debug.h>
}

namespace swiftcall::core {

using api::ApiError;
using api::ErrorCode;
using api::FieldType;
using api::Json;

namespace {

Json stream_json(const room::PublisherStream& s) {
    Json info = Json::object();
    info.set("type", room::to_string(s.media.kind));
    info.set("mindex", s.media.mindex).set("mid", s.media.mid);
    if (s.media.disabled) {
        info.set_bool("disabled", true);
        return info;
    }
    if (!s.media.description.empty()) info.set("description", s.media.description);
    info.set("codec", s.media.codec);
    if (s.simulcast) info.set_bool("simulcast", true);
    if (s.muted) info.set_bool("moderated", true);
    if (s.media.kind == room::MediaKind::audio && s.audio_level_ext_id > 0)
        info.set_bool("talking", s.talking());
    return info;
}

const char* const kAudioLevelUri = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";

// The window and threshold of a publisher's talk detection: its own
// (join/configure), else the room's.
std::pair<int, int> talk_params(const room::RoomSettings& s, const room::Publisher& p) {
    const int window = p.user_audio_active_packets.load();
    const int threshold = p.user_audio_level_average.load();
    return {window ? window : s.audio_active_packets, threshold ? threshold : s.audio_level_average};
}

// A request's audio_active_packets / audio_level_average (positive, typed by
// the caller's validate_fields): they apply to the streams at once.
void apply_talk_fields(const room::RoomSettings& s, room::Publisher& p, const json_t* body) {
    const auto window = api::uint_field(body, "audio_active_packets");
    const auto threshold = api::uint_field(body, "audio_level_average");
    if (!window && !threshold) return;
    if (!s.audiolevel_event)
        JANUS_LOG(LOG_WARN,
                  "[SwiftCall] room %" PRIu64 " has no audiolevel_event: publisher %s"
                  "'s audio_active_packets / audio_level_average are kept but unused\n",
                  s.id, p.id ? std::to_string(p.id).c_str() : "(joining)");
    if (window) p.user_audio_active_packets = static_cast<int>(std::min<uint64_t>(*window, 100000));
    if (threshold) p.user_audio_level_average = static_cast<int>(std::min<uint64_t>(*threshold, 127));
    const auto [w, t] = talk_params(s, p);
    if (auto streams = p.streams_snapshot())
        for (const auto& st : *streams)
            if (st->talk) st->talk->set_params(w, t);
}

}  // namespace

Json Plugin::publisher_json(const room::Publisher& p) const {
    Json pl = Json::object();
    pl.set("id", p.id);
    if (!p.display.empty()) pl.set("display", p.display);
    Json streams = Json::array();
    bool audio = false, video = false;
    if (auto list = p.streams_snapshot()) {
        for (const auto& s : *list) {
            if (!s->media.disabled && s->media.kind == room::MediaKind::audio && !audio) {
                audio = true;
                pl.set("audio_codec", s->media.codec);
            }
            if (!s->media.disabled && s->media.kind == room::MediaKind::video && !video) {
                video = true;
                pl.set("video_codec", s->media.codec);
            }
            streams.append(stream_json(*s));
        }
    }
    pl.set("streams", streams);
    if (auto talking = p.talking()) pl.set_bool("talking", *talking);  // stock's, deprecated there
    return pl;
}

void Plugin::notify_talking(const room::Publisher& publisher, const room::PublisherStream& stream,
                            bool talking, double average_dbov) {
    auto room = rooms_.find(publisher.room_id);
    if (!room) return;
    // The participants and the event handlers get the same object (stock).
    auto talk_event = [&] {
        Json event = Json::object();
        event.set("videoroom", talking ? "talking" : "stopped-talking").set("room", room->id());
        event.set("id", publisher.id).set("mindex", stream.media.mindex);
        event.set("mid", stream.media.mid).set("audio-level-dBov-avg", average_dbov);
        return event;
    };
    notify_room(*room, talk_event(), nullptr);
    notify_event_handlers(static_cast<janus_plugin_session*>(publisher.session), talk_event());
}

void Plugin::notify_new_publisher(room::Room& room, const room::Publisher& publisher) {
    Json list = Json::array();
    list.append(publisher_json(publisher));
    Json event = Json::object();
    event.set("videoroom", "event").set("room", room.id()).set("publishers", list);
    notify_room(room, event, &publisher);
}

Plugin::Reply Plugin::join_publisher(Session& session, const json_t* body, const json_t* jsep) {
    api::validate_fields(body, {{"room", FieldType::positive_integer, true},
                                {"id", FieldType::positive_integer},
                                {"display", FieldType::string},
                                {"pin", FieldType::string},
                                {"token", FieldType::string},
                                {"record", FieldType::boolean},
                                {"filename", FieldType::string},
                                {"audio_active_packets", FieldType::positive_integer},
                                {"audio_level_average", FieldType::positive_integer}});
    auto room = room_for(body, false);
    const auto settings = room->settings();
    api::check_secret(settings.pin, body, "pin");
    api::check_token(settings.check_allowed, settings.allowed, body);
    auto publisher = std::make_shared<room::Publisher>();
    publisher->room_id = room->id();
    publisher->display = api::string_field(body, "display").value_or("");
    publisher->shown_display->set(publisher->display);
    publisher->session = session.handle;
    publisher->private_id = rooms_.random_private_id();
    // A plain join's record / filename / talk options, checked before the
    // publisher is in the room (an error must not leave it half joined);
    // joinandconfigure applies them in configure_publisher.
    if (!jsep) {
        apply_record_fields(room, *publisher, false, body);
        apply_talk_fields(settings, *publisher, body);
    }
    Json others = Json::array();
    {
        std::lock_guard guard(room->mutex);
        if (room->destroyed) throw ApiError(ErrorCode::no_such_room, "No such room");
        if (auto id = api::uint_field(body, "id"); id && *id != 0) {
            if (room->participants.count(*id))
                throw ApiError(ErrorCode::id_exists, "User ID " + std::to_string(*id) + " already exists");
            publisher->id = *id;
        } else {
            do publisher->id = rooms_.random_id();
            while (room->participants.count(publisher->id));
        }
        room->participants[publisher->id] = publisher;
    }
    // With notify_joining, the joined answer also lists who is in the room
    // without publishing ("attendees", stock).
    Json attendees = Json::array();
    for (const auto& p : room->publishers()) {
        if (p == publisher) continue;
        if (feed_started(*p)) {
            others.append(publisher_json(*p));
        } else if (settings.notify_joining) {
            Json attendee = Json::object();
            attendee.set("id", p->id);
            if (!p->display.empty()) attendee.set("display", p->display);
            attendees.append(attendee);
        }
    }
    {
        std::lock_guard guard(session.lock);
        session.role = Role::publisher;
        session.room = room;
        session.publisher = publisher;
    }
    if (settings.notify_joining) {
        Json user = Json::object();
        user.set("id", publisher->id);
        if (!publisher->display.empty()) user.set("display", publisher->display);
        Json event = Json::object();
        event.set("videoroom", "event").set("room", room->id()).set("joining", user);
        notify_room(*room, event, publisher.get());
    }
    JANUS_LOG(LOG_INFO, "[SwiftCall] publisher %" PRIu64 " joined room %" PRIu64 "\n",
              publisher->id, room->id());
    Json info = Json::object();
    info.set("event", "joined").set("room", room->id()).set("id", publisher->id);
    if (!publisher->display.empty()) info.set("display", publisher->display);
    notify_event_handlers(session.handle, info);
    Json event = Json::object();
    event.set("videoroom", "joined").set("room", room->id());
    event.set("description", settings.description.empty() ? "Room " + std::to_string(room->id())
                                                          : settings.description);
    event.set("id", publisher->id).set("private_id", publisher->private_id);
    event.set("publishers", others);
    if (settings.notify_joining) event.set("attendees", attendees);
    Reply reply{event, Json()};
    if (jsep) {
        // joinandconfigure: the offer comes with the join.
        Reply configured = configure_publisher(session, body, jsep);
        reply.jsep = configured.jsep;
    }
    return reply;
}

// "publish" is "configure" by another name (VideoRoom answers a bare one
// with a configured event too).
Plugin::Reply Plugin::publish(Session& session, const json_t* body, const json_t* jsep) {
    // Stock refuses a second publish while the PeerConnection is up (use
    // configure to renegotiate), before it looks at anything else.
    if (session.media_up)
        throw ApiError(ErrorCode::already_published, "Can't publish, already published");
    return configure_publisher(session, body, jsep);
}

Plugin::Reply Plugin::configure_publisher(Session& session, const json_t* body, const json_t* jsep) {
    api::validate_fields(body, {{"audio", FieldType::boolean},
                                {"video", FieldType::boolean},
                                {"data", FieldType::boolean},
                                {"bitrate", FieldType::integer},
                                {"keyframe", FieldType::boolean},
                                {"display", FieldType::string},
                                {"audiocodec", FieldType::string},
                                {"videocodec", FieldType::string},
                                {"descriptions", FieldType::array},
                                {"streams", FieldType::array},
                                {"record", FieldType::boolean},
                                {"filename", FieldType::string},
                                {"audio_active_packets", FieldType::positive_integer},
                                {"audio_level_average", FieldType::positive_integer}});
    std::shared_ptr<room::Room> room;
    std::shared_ptr<room::Publisher> publisher;
    {
        std::lock_guard guard(session.lock);
        room = session.room;
        publisher = session.publisher;
    }
    if (!room || !publisher) throw ApiError(ErrorCode::join_first, "Not joined");
    const auto settings = room->settings();
    apply_record_fields(room, *publisher, session.media_up, body);
    apply_talk_fields(settings, *publisher, body);
    if (auto bitrate = api::int_field(body, "bitrate")) {
        if (*bitrate < 0 || *bitrate > (1ll << 31))
            throw ApiError(ErrorCode::invalid_element, "Invalid element (bitrate)");
        publisher->bitrate = static_cast<uint32_t>(*bitrate);
        if (session.media_up) {
            uint32_t cap = publisher->bitrate;
            if (settings.bitrate && (cap == 0 || cap > settings.bitrate)) cap = settings.bitrate;
            gateway_->send_remb(session.handle, cap);
        }
    }
    if (auto display = api::string_field(body, "display")) {
        bool had_display;
        {
            std::lock_guard guard(room->mutex);
            had_display = !publisher->display.empty();
            publisher->display = *display;
            publisher->shown_display->set(*display);
        }
        // As stock: a participant that had a display name tells the others
        // it changed (no event for the first one, set at join).
        if (had_display) {
            Json changed = Json::object();
            changed.set("videoroom", "event").set("id", publisher->id).set("display", *display);
            notify_room(*room, changed, publisher.get());
        }
    }
    if (api::bool_field(body, "keyframe").value_or(false) && session.media_up)
        gateway_->send_pli(session.handle);

    Json event = Json::object();
    event.set("videoroom", "event").set("room", room->id()).set("configured", "ok");
    Json answer;
    if (jsep) {
        api::validate_fields(jsep, {{"type", FieldType::string, true},
                                    {"sdp", FieldType::string, true, api::kMaxSdpField}});
        if (*api::string_field(jsep, "type") != "offer")
            throw ApiError(ErrorCode::invalid_sdp_type, "Unsupported SDP type (expected an offer)");
        if (publisher->published() && !session.media_up)
            throw ApiError(ErrorCode::already_published, "Can't publish, already published");
        if (!publisher->published() && room->active_publishers() >= static_cast<size_t>(settings.max_publishers))
            throw ApiError(ErrorCode::publishers_full,
                           "Maximum number of publishers (" + std::to_string(settings.max_publishers) + ") already reached");
        auto offer = media::parse_sdp(*api::string_field(jsep, "sdp"));
        if (!offer) throw ApiError(ErrorCode::invalid_sdp, "Error parsing offer");
        media::CodecPreferences prefs{settings.audiocodecs, settings.videocodecs};
        // A publish-time codec must be one the room allows (stock: 430).
        auto room_codec = [](const std::string& name, const std::vector<std::string>& allowed,
                             const char* what) {
            std::string lower = name;
            std::transform(lower.begin(), lower.end(), lower.begin(),
                           [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
            if (std::find(allowed.begin(), allowed.end(), lower) == allowed.end())
                throw ApiError(ErrorCode::invalid_element,
                               std::string(what) + " codec unavailable in this room");
            return lower;
        };
        if (auto codec = api::string_field(body, "audiocodec"))
            prefs.audio = {room_codec(*codec, settings.audiocodecs, "Audio")};
        if (auto codec = api::string_field(body, "videocodec"))
            prefs.video = {room_codec(*codec, settings.videocodecs, "Video")};
        auto negotiation = media::negotiate_publisher(*offer, prefs, publisher->id);
        if (!negotiation.error.empty()) throw ApiError(ErrorCode::invalid_sdp, negotiation.error);
        // Simulcast layers, as the core reports them alongside the offer.
        const json_t* simulcast = json_object_get(jsep, "simulcast");
        std::vector<std::shared_ptr<room::PublisherStream>> streams;
        for (auto& desc : negotiation.streams) {
            auto stream = std::make_shared<room::PublisherStream>();
            stream->media = desc;
            if (desc.kind == room::MediaKind::audio) {
                for (const auto& ext : desc.extensions)
                    if (ext.uri == kAudioLevelUri) stream->audio_level_ext_id = ext.id;
                if (stream->audio_level_ext_id > 0 && settings.audiolevel_event) {
                    const auto [window, threshold] = talk_params(settings, *publisher);
                    stream->talk = std::make_unique<media::TalkDetector>(
                        stream->audio_level_ext_id, window, threshold);
                }
            }
            size_t index;
            json_t* item;
            json_array_foreach(simulcast, index, item) {
                auto mindex = api::int_field(item, "mindex");
                if (!mindex || *mindex != desc.mindex || desc.kind != room::MediaKind::video) continue;
                stream->simulcast = true;
                stream->media.simulcast = true;
                const json_t* rids = json_object_get(item, "rids");
                const json_t* ssrcs = json_object_get(item, "ssrcs");
                const size_t nrids = json_is_array(rids) ? std::min<size_t>(json_array_size(rids), 3) : 0;
                // The core lists rids highest first; substream 0 is the lowest.
                for (size_t i = 0; i < nrids; i++) {
                    const json_t* rid = json_array_get(rids, nrids - 1 - i);
                    if (json_is_string(rid) && json_string_length(rid) < 16)
                        stream->rids[i] = json_string_value(rid);
                }
                stream->rid_extension_id = static_cast<int>(api::int_field(item, "rid-ext").value_or(-1));
                for (size_t i = 0; json_is_array(ssrcs) && i < std::min<size_t>(json_array_size(ssrcs), 3); i++)
                    stream->ssrcs[i] = static_cast<uint32_t>(json_integer_value(json_array_get(ssrcs, i)));
            }
            streams.push_back(stream);
        }
        if (const json_t* descriptions = json_object_get(body, "descriptions")) {
            size_t index;
            json_t* item;
            json_array_foreach(descriptions, index, item) {
                auto mid = api::string_field(item, "mid");
                auto text = api::string_field(item, "description");
                if (!mid || !text || text->size() > api::kMaxStringField) continue;
                for (auto& s : streams)
                    if (s->media.mid == *mid) s->media.description = *text;
            }
        }
        for (const auto& s : streams) {
            if (s->media.disabled) continue;
            if (s->media.kind == room::MediaKind::audio && !json_object_get(event.get(), "audio_codec"))
                event.set("audio_codec", s->media.codec);
            if (s->media.kind == room::MediaKind::video && !json_object_get(event.get(), "video_codec"))
                event.set("video_codec", s->media.codec);
        }
        {
            // A renegotiation makes new stream objects: their recordings
            // start over in new files (stock keeps its streams).
            std::lock_guard rec_guard(publisher->recording_lock);
            stop_recording_locked(*publisher);
        }
        publisher->set_streams(std::move(streams));
        publisher_streams_replaced_recording(*room, *publisher, session.media_up);
        Json list = Json::array();
        if (auto snap = publisher->streams_snapshot())
            for (const auto& s : *snap) list.append(stream_json(*s));
        event.set("streams", list);
        answer = Json::object();
        answer.set("type", "answer").set("sdp", media::serialize_sdp(negotiation.answer));
        JANUS_LOG(LOG_INFO, "[SwiftCall] publisher %" PRIu64 " negotiated %zu streams\n",
                  publisher->id, negotiation.streams.size());
    }
    return Reply{event, answer};
}

void Plugin::unpublish_streams(room::Room& room, room::Publisher& publisher, bool notify) {
    auto streams = publisher.streams_snapshot();
    if (!streams || streams->empty()) return;
    mirror_->publisher_down(publisher);
    publisher_down_recording(publisher);
    std::set<room::SessionHandle> affected;
    for (const auto& stream : *streams) {
        std::lock_guard guard(stream->lock);
        for (const auto& sub : stream->subscribers) {
            std::lock_guard sg(sub->lock);
            sub->active = false;
            sub->source.reset();
            if (sub->media.kind != room::MediaKind::data) affected.insert(sub->session);
        }
        stream->subscribers.clear();
    }
    publisher.set_streams({});
    // Also when the publisher leaves or is kicked (notify false: those send
    // their own event); not when its room is being destroyed.
    autoupdate_subscribers(room, affected);
    if (notify) {
        Json event = Json::object();
        event.set("videoroom", "event").set("room", room.id()).set("unpublished", publisher.id);
        notify_room(room, event, &publisher);
        Json info = Json::object();
        info.set("event", "unpublished").set("room", room.id()).set("id", publisher.id);
        notify_event_handlers(static_cast<janus_plugin_session*>(publisher.session), info);
    }
    JANUS_LOG(LOG_INFO, "[SwiftCall] publisher %" PRIu64 " unpublished\n", publisher.id);
}

// As stock when a feed goes away: each subscriber that had one of its
// streams gets a new offer ("updated", no transaction), or it is held back
// until the outstanding offer is answered, or, with autoupdate off, the
// next update offers.
void Plugin::autoupdate_subscribers(room::Room& room,
                                    const std::set<room::SessionHandle>& affected) {
    if (affected.empty()) return;
    {
        std::lock_guard guard(room.mutex);
        if (room.destroyed) return;
    }
    for (const auto& subscriber : room.subscribers()) {
        if (!affected.count(subscriber->session)) continue;
        Json event, jsep;
        {
            std::lock_guard guard(subscriber->lock);
            if (!subscriber->autoupdate) {
                subscriber->skipped_autoupdate = true;
                continue;
            }
            if (!subscriber->answered) {
                subscriber->pending_offer = true;
                continue;
            }
            event = Json::object();
            event.set("videoroom", "updated").set("room", room.id());
            event.set("streams", subscriber_streams_json(*subscriber));
            jsep = subscriber_offer(*subscriber);
        }
        push_event(find_session(static_cast<janus_plugin_session*>(subscriber->session)), "", event,
                   jsep);
    }
}

Plugin::Reply Plugin::unpublish(Session& session) {
    std::shared_ptr<room::Room> room;
    std::shared_ptr<room::Publisher> publisher;
    {
        std::lock_guard guard(session.lock);
        room = session.room;
        publisher = session.publisher;
    }
    if (!publisher || !publisher->published())
        throw ApiError(ErrorCode::not_published, "Can't unpublish, not published");
    unpublish_streams(*room, *publisher, true);
    gateway_->close_pc(session.handle);
    Json event = Json::object();
    event.set("videoroom", "event").set("room", room->id()).set("unpublished", "ok");
    return Reply{event, Json()};
}

void Plugin::remove_publisher(Session& session, const char* reason) {
    std::shared_ptr<room::Room> room;
    std::shared_ptr<room::Publisher> publisher;
    {
        std::lock_guard guard(session.lock);
        room = session.room;
        publisher = session.publisher;
        session.role = Role::none;
        session.room.reset();
        session.publisher.reset();
    }
    if (!room || !publisher) return;
    unpublish_streams(*room, *publisher, false);
    {
        std::lock_guard guard(room->mutex);
        room->participants.erase(publisher->id);
    }
    Json event = Json::object();
    event.set("videoroom", "event").set("room", room->id());
    if (std::string(reason) == "kicked") event.set("kicked", publisher->id);
    else event.set("leaving", publisher->id);
    notify_room(*room, event, publisher.get());
    Json info = Json::object();
    info.set("event", reason).set("room", room->id()).set("id", publisher->id);
    notify_event_handlers(session.handle, info);
    JANUS_LOG(LOG_INFO, "[SwiftCall] publisher %" PRIu64 " left room %" PRIu64 " (%s)\n",
              publisher->id, room->id(), reason);
}

Plugin::Reply Plugin::leave_publisher(Session& session) {
    uint64_t room_id = 0;
    {
        std::lock_guard guard(session.lock);
        if (session.room) room_id = session.room->id();
    }
    remove_publisher(session, "leaving");
    gateway_->close_pc(session.handle);
    Json event = Json::object();
    event.set("videoroom", "event").set("room", room_id).set("leaving", "ok");
    return Reply{event, Json()};
}

}  // namespace swiftcall::core
