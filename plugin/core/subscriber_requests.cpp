// Subscriber verbs: join (with the offer we generate), start, pause,
// configure, switch, update/subscribe/unsubscribe, leave.
#include <chrono>

#include "api/api_error.h"
#include "api/field_validator.h"
#include "api/secret_check.h"
#include "core/clock.h"
#include "core/plugin.h"
#include "media/payload_types.h"
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

struct StreamRequest {
    uint64_t feed = 0;
    bool has_feed = true;  // false only in unsubscribe lists (by sub_mid)
    std::optional<std::string> mid;
    std::optional<std::string> sub_mid;
    // Per-stream subscription options (stock subscriber_stream_parameters).
    std::optional<bool> send{};
    std::optional<int> substream{};
    std::optional<int> temporal{};
    std::optional<std::string> crossrefid{};
};

// Stock subscription options SwiftCall does not act on yet: typed as stock,
// then named in the log rather than dropped silently.
constexpr const char* kUnsupportedStreamOptions[] = {"fallback", "spatial_layer", "temporal_layer",
                                                     "min_delay", "max_delay"};

void log_unsupported_stream_options(const json_t* item) {
    for (const char* option : kUnsupportedStreamOptions)
        if (json_object_get(item, option))
            JANUS_LOG(LOG_WARN,
                      "[SwiftCall] subscription option '%s' is not supported yet, ignored\n",
                      option);
}

// A new or re-used subscriber stream takes its request's options. "send"
// is validated but not applied here: the stock VideoRoom ignores it in
// subscriptions too (configure takes it).
void apply_stream_options(room::SubscriberStream& sub, const StreamRequest& req) {
    if (req.send)
        JANUS_LOG(LOG_WARN,
                  "[SwiftCall] 'send' in a subscription is ignored, as by the stock "
                  "VideoRoom; use configure\n");
    if (req.substream || req.temporal) sub.simulcast.set_target(req.substream, req.temporal);
    if (req.crossrefid) sub.crossrefid = *req.crossrefid;
}

enum class FeedField { required, optional };

// "streams": [{feed, mid?, sub_mid?}], or the legacy single "feed". In an
// unsubscribe list the feed is optional (stock: an entry may name only the
// subscriber's own sub_mid).
std::vector<StreamRequest> parse_stream_requests(const json_t* body, const char* field,
                                                 bool legacy_feed,
                                                 FeedField feed = FeedField::required) {
    std::vector<StreamRequest> out;
    const json_t* streams = json_object_get(body, field);
    if (streams == nullptr && legacy_feed && json_object_get(body, "feed")) {
        api::validate_fields(body, {{"feed", FieldType::positive_integer, true}});
        out.push_back({*api::uint_field(body, "feed"), true, std::nullopt, std::nullopt});
        return out;
    }
    if (streams == nullptr || (json_is_array(streams) && json_array_size(streams) == 0))
        throw ApiError(ErrorCode::missing_element,
                       std::string("Missing mandatory element (") + field + ")");
    if (!json_is_array(streams))
        throw ApiError(ErrorCode::invalid_element,
                       std::string("Invalid element type (") + field + " should be an array)");
    if (json_array_size(streams) > 64)
        throw ApiError(ErrorCode::invalid_element,
                       std::string("Invalid element (") + field + " has too many entries)");
    size_t index;
    json_t* item;
    json_array_foreach(streams, index, item) {
        api::validate_fields(item,
                             {{"feed", FieldType::positive_integer, feed == FeedField::required},
                              {"mid", FieldType::string},
                              {"sub_mid", FieldType::string},
                              {"crossrefid", FieldType::string},
                              {"send", FieldType::boolean},
                              {"substream", FieldType::positive_integer},
                              {"temporal", FieldType::positive_integer},
                              {"fallback", FieldType::positive_integer},
                              {"spatial_layer", FieldType::positive_integer},
                              {"temporal_layer", FieldType::positive_integer},
                              {"min_delay", FieldType::integer},
                              {"max_delay", FieldType::integer}});
        log_unsupported_stream_options(item);
        const auto id = api::uint_field(item, "feed");
        StreamRequest req{id.value_or(0), id.has_value(), api::string_field(item, "mid"),
                          api::string_field(item, "sub_mid")};
        req.send = api::bool_field(item, "send");
        // A layer above the top one means the top one (simulcast has 3).
        if (auto v = api::uint_field(item, "substream"))
            req.substream = static_cast<int>(std::min<uint64_t>(*v, 2));
        if (auto v = api::uint_field(item, "temporal"))
            req.temporal = static_cast<int>(std::min<uint64_t>(*v, 2));
        req.crossrefid = api::string_field(item, "crossrefid");
        out.push_back(std::move(req));
    }
    return out;
}

void link(room::PublisherStream& source, const std::shared_ptr<room::SubscriberStream>& sub) {
    std::lock_guard guard(source.lock);
    source.subscribers.push_back(sub);
}

// Lock order everywhere is publisher stream, then subscriber stream (the
// fan-out's order), so this takes the two locks one after the other.
void unlink(room::SubscriberStream& sub) {
    std::shared_ptr<room::PublisherStream> source;
    {
        std::lock_guard guard(sub.lock);
        source = sub.source.lock();
        sub.source.reset();
    }
    if (!source) return;
    std::lock_guard guard(source->lock);
    std::erase_if(source->subscribers, [&](const auto& s) { return s.get() == &sub; });
}

}  // namespace

Json Plugin::subscriber_streams_json(room::Subscriber& subscriber) const {
    Json list = Json::array();
    for (const auto& s : subscriber.streams) {
        std::lock_guard guard(s->lock);
        Json item = Json::object();
        item.set("type", room::to_string(s->media.kind));
        item.set_bool("active", s->active).set("mindex", s->mindex).set("mid", s->mid);
        item.set_bool("ready", s->active).set_bool("send", s->send);
        if (!s->crossrefid.empty()) item.set("crossrefid", s->crossrefid);
        if (s->active) {
            item.set("feed_id", s->feed_id);
            if (s->feed_display)
                if (auto display = s->feed_display->get(); !display.empty())
                    item.set("feed_display", display);
            item.set("feed_mid", s->feed_mid);
            item.set("codec", s->media.codec);
            if (!s->media.description.empty()) item.set("feed_description", s->media.description);
            if (s->media.simulcast) {
                Json sc = Json::object();
                sc.set("substream", s->simulcast.substream_target());
                sc.set("temporal", s->simulcast.temporal_target());
                item.set("simulcast", sc);
            }
        }
        list.append(item);
    }
    return list;
}

// Called with subscriber.lock held.
Json Plugin::subscriber_offer(room::Subscriber& subscriber) {
    subscriber.answered = false;
    std::vector<media::SubscribedMedia> media;
    for (const auto& s : subscriber.streams) {
        std::lock_guard guard(s->lock);
        media.push_back({s->mid, s->media, s->active});
    }
    if (subscriber.sdp_session_id == 0) subscriber.sdp_session_id = media::new_sdp_session_id();
    const auto sdp =
        media::build_subscriber_offer(media, subscriber.sdp_session_id, subscriber.sdp_version++);
    Json jsep = Json::object();
    jsep.set("type", "offer").set("sdp", media::serialize_sdp(sdp));
    return jsep;
}

Plugin::Reply Plugin::join_subscriber(Session& session, const json_t* body) {
    api::validate_fields(body, {{"room", FieldType::positive_integer, true},
                                {"private_id", FieldType::positive_integer},
                                {"streams", FieldType::array},
                                {"feed", FieldType::positive_integer},
                                {"use_msid", FieldType::boolean},
                                {"autoupdate", FieldType::boolean},
                                {"pin", FieldType::string}});
    auto room = room_for(body, false);
    const auto settings = room->settings();
    api::check_secret(settings.pin, body, "pin");
    const uint32_t private_id =
        static_cast<uint32_t>(api::uint_field(body, "private_id").value_or(0));
    if (settings.require_pvtid && (private_id == 0 || !room->publisher_by_private_id(private_id)))
        throw ApiError(ErrorCode::unauthorized,
                       "Unauthorized (this room requires a valid private_id)");
    auto requests = parse_stream_requests(body, "streams", true);

    auto subscriber = std::make_shared<room::Subscriber>();
    subscriber->room_id = room->id();
    subscriber->session = session.handle;
    subscriber->private_id = private_id;
    subscriber->autoupdate = api::bool_field(body, "autoupdate").value_or(true);
    std::vector<
        std::pair<std::shared_ptr<room::PublisherStream>, std::shared_ptr<room::SubscriberStream>>>
        links;
    for (const auto& req : requests) {
        auto publisher = room->publisher(req.feed);
        if (!publisher || !feed_started(*publisher))
            throw ApiError(ErrorCode::no_such_feed,
                           "No such feed (" + std::to_string(req.feed) + ")");
        std::vector<std::shared_ptr<room::PublisherStream>> sources;
        if (req.mid) {
            auto s = publisher->stream_by_mid(*req.mid);
            if (!s || s->media.disabled)
                throw ApiError(ErrorCode::no_such_feed, "No such mid '" + *req.mid + "' in feed " +
                                                            std::to_string(req.feed));
            sources.push_back(s);
        } else if (auto list = publisher->streams_snapshot()) {
            for (const auto& s : *list)
                if (!s->media.disabled && s->media.kind != room::MediaKind::data)
                    sources.push_back(s);
        }
        for (const auto& source : sources) {
            auto sub = std::make_shared<room::SubscriberStream>();
            sub->mindex = static_cast<int>(subscriber->streams.size());
            sub->mid = std::to_string(sub->mindex);
            sub->session = session.handle;
            sub->feed_id = req.feed;
            sub->feed_display = publisher->shown_display;
            sub->feed_mid = source->media.mid;
            sub->source = source;
            sub->media = source->media;
            sub->payload_type = media::subscriber_payload_type(source->media.codec);
            sub->paused = true;  // until "start"
            apply_stream_options(*sub, req);
            subscriber->streams.push_back(sub);
            links.emplace_back(source, sub);
        }
    }
    if (subscriber->streams.empty())
        throw ApiError(ErrorCode::invalid_sdp, "Can't offer an SDP with no stream");
    for (auto& [source, sub] : links) link(*source, sub);
    {
        std::lock_guard guard(room->mutex);
        room->subscriber_list.push_back(subscriber);
    }
    {
        std::lock_guard guard(session.lock);
        session.role = Role::subscriber;
        session.room = room;
        session.subscriber = subscriber;
    }
    Json event = Json::object();
    event.set("videoroom", "attached").set("room", room->id());
    Json jsep;
    {
        std::lock_guard guard(subscriber->lock);
        event.set("streams", subscriber_streams_json(*subscriber));
        jsep = subscriber_offer(*subscriber);
    }
    JANUS_LOG(LOG_INFO, "[SwiftCall] subscriber attached in room %" PRIu64 " to %zu streams\n",
              room->id(), subscriber->streams.size());
    return Reply{event, jsep};
}

Plugin::Reply Plugin::start_subscriber(Session& session, const json_t* jsep) {
    std::shared_ptr<room::Subscriber> subscriber;
    std::shared_ptr<room::Room> room;
    {
        std::lock_guard guard(session.lock);
        subscriber = session.subscriber;
        room = session.room;
    }
    if (!subscriber) throw ApiError(ErrorCode::join_first, "Not joined");
    if (jsep) {
        api::validate_fields(jsep, {{"type", FieldType::string, true},
                                    {"sdp", FieldType::string, true, api::kMaxSdpField}});
        if (*api::string_field(jsep, "type") != "answer")
            throw ApiError(ErrorCode::invalid_sdp_type,
                           "Unsupported SDP type (expected an answer)");
        if (!media::parse_sdp(*api::string_field(jsep, "sdp")))
            throw ApiError(ErrorCode::invalid_sdp, "Error parsing answer");
    }
    subscriber->paused = false;
    std::vector<std::pair<uint64_t, std::shared_ptr<room::PublisherStream>>> video_sources;
    Json followup_event, followup_jsep;
    {
        std::lock_guard guard(subscriber->lock);
        subscriber->started = true;
        if (jsep) {
            // The answer is in: a change held back meanwhile is offered now
            // (stock: an "updated" event with the new offer).
            if (subscriber->pending_offer) {
                subscriber->pending_offer = false;
                followup_event = Json::object();
                followup_event.set("videoroom", "updated").set("room", subscriber->room_id);
                followup_event.set("streams", subscriber_streams_json(*subscriber));
                followup_jsep = subscriber_offer(*subscriber);
                if (subscriber->pending_restart) followup_jsep.set_bool("restart", true);
                subscriber->pending_restart = false;
            } else {
                subscriber->answered = true;
            }
        }
        for (const auto& s : subscriber->streams) {
            std::lock_guard sg(s->lock);
            s->paused = false;
            if (auto source = s->source.lock();
                source && source->media.kind == room::MediaKind::video)
                video_sources.emplace_back(s->feed_id, source);
        }
    }
    if (session.media_up && room) {
        for (const auto& [feed, source] : video_sources)
            if (auto p = room->publisher(feed))
                fanout_->request_keyframe(*p, *source, monotonic_us(), true);
    }
    Json event = Json::object();
    event.set("videoroom", "event").set("room", subscriber->room_id).set("started", "ok");
    return Reply{event, Json(), followup_event, followup_jsep};
}

Plugin::Reply Plugin::pause_subscriber(Session& session) {
    std::shared_ptr<room::Subscriber> subscriber;
    {
        std::lock_guard guard(session.lock);
        subscriber = session.subscriber;
    }
    if (!subscriber) throw ApiError(ErrorCode::join_first, "Not joined");
    subscriber->paused = true;
    {
        std::lock_guard guard(subscriber->lock);
        for (const auto& s : subscriber->streams) {
            std::lock_guard sg(s->lock);
            s->paused = true;
        }
    }
    Json event = Json::object();
    event.set("videoroom", "event").set("room", subscriber->room_id).set("paused", "ok");
    return Reply{event, Json()};
}

Plugin::Reply Plugin::configure_subscriber(Session& session, const json_t* body) {
    // substream/temporal of another type are ignored, as VideoRoom does.
    api::validate_fields(body, {{"mid", FieldType::string},
                                {"send", FieldType::boolean},
                                {"streams", FieldType::array},
                                {"audio", FieldType::boolean},
                                {"video", FieldType::boolean},
                                {"datapath", FieldType::string},
                                {"restart", FieldType::boolean},
                                {"update", FieldType::boolean}});
    std::shared_ptr<room::Subscriber> subscriber;
    std::shared_ptr<room::Room> room;
    {
        std::lock_guard guard(session.lock);
        subscriber = session.subscriber;
        room = session.room;
    }
    if (!subscriber) throw ApiError(ErrorCode::join_first, "Not joined");
    auto apply = [&](const json_t* item) {
        log_unsupported_stream_options(item);
        api::validate_fields(item, {{"mid", FieldType::string},
                                    {"send", FieldType::boolean},
                                    {"datapath", FieldType::string}});
        auto mid = api::string_field(item, "mid");
        auto send = api::bool_field(item, "send");
        // SwiftCall extension: "user" pins the leg to user space, "auto"
        // lets the mirror choose (the kernel when the leg qualifies).
        auto datapath = api::string_field(item, "datapath");
        if (datapath && *datapath != "user" && *datapath != "auto")
            throw ApiError(ErrorCode::invalid_element,
                           "Invalid element (datapath must be \"auto\" or \"user\")");
        auto substream = api::int_field(item, "substream");
        auto temporal = api::int_field(item, "temporal");
        if ((substream && (*substream < 0 || *substream > 2)) ||
            (temporal && (*temporal < 0 || *temporal > 2)))
            throw ApiError(ErrorCode::invalid_element,
                           "Invalid element (substream/temporal must be 0-2)");
        bool matched = false;
        std::lock_guard guard(subscriber->lock);
        for (const auto& s : subscriber->streams) {
            if (mid && s->mid != *mid) continue;
            matched = true;
            std::lock_guard sg(s->lock);
            if (send) s->send = *send;
            if (datapath) s->kernel.user_forced = *datapath == "user";
            if (substream || temporal)
                s->simulcast.set_target(
                    substream ? std::optional<int>(static_cast<int>(*substream)) : std::nullopt,
                    temporal ? std::optional<int>(static_cast<int>(*temporal)) : std::nullopt);
        }
        if (mid && !matched)
            throw ApiError(ErrorCode::invalid_element,
                           "Invalid element (no such mid '" + *mid + "')");
    };
    if (const json_t* streams = json_object_get(body, "streams")) {
        size_t index;
        json_t* item;
        json_array_foreach(streams, index, item) apply(item);
    } else {
        apply(body);
    }
    Json event = Json::object();
    event.set("videoroom", "event").set("room", subscriber->room_id).set("configured", "ok");
    // "restart": a new offer that restarts ICE (the core makes new
    // credentials when the JSEP says so); "update": a new offer. As stock,
    // held back while an offer is unanswered; stock then sends no answer at
    // all, SwiftCall answers "configured" and offers after the answer.
    const bool restart = api::bool_field(body, "restart").value_or(false);
    const bool update = api::bool_field(body, "update").value_or(false);
    Json jsep;
    if (restart || update) {
        std::lock_guard guard(subscriber->lock);
        if (!subscriber->answered) {
            subscriber->pending_offer = true;
            subscriber->pending_restart = subscriber->pending_restart || restart;
        } else {
            jsep = subscriber_offer(*subscriber);
            if (restart) jsep.set_bool("restart", true);
        }
    }
    return Reply{event, jsep};
}

Plugin::Reply Plugin::switch_subscriber(Session& session, const json_t* body) {
    std::shared_ptr<room::Subscriber> subscriber;
    std::shared_ptr<room::Room> room;
    {
        std::lock_guard guard(session.lock);
        subscriber = session.subscriber;
        room = session.room;
    }
    if (!subscriber || !room) throw ApiError(ErrorCode::join_first, "Not joined");
    // Without "streams" VideoRoom tries the legacy single-feed switch and
    // finds no feed.
    if (!json_object_get(body, "streams")) throw ApiError(ErrorCode::no_such_feed, "No such feed");
    auto requests = parse_stream_requests(body, "streams", false);
    // Validate everything before changing anything.
    struct Change {
        std::shared_ptr<room::SubscriberStream> sub;
        std::shared_ptr<room::PublisherStream> source;
        std::shared_ptr<room::Publisher> publisher;
    };
    std::vector<Change> changes;
    for (const auto& req : requests) {
        if (!req.mid || !req.sub_mid)
            throw ApiError(ErrorCode::missing_element, "Missing mandatory element (mid/sub_mid)");
        auto publisher = room->publisher(req.feed);
        if (!publisher || !feed_started(*publisher))
            throw ApiError(ErrorCode::no_such_feed,
                           "No such feed (" + std::to_string(req.feed) + ")");
        auto source = publisher->stream_by_mid(*req.mid);
        if (!source || source->media.disabled)
            throw ApiError(ErrorCode::no_such_feed,
                           "No such mid '" + *req.mid + "' in feed " + std::to_string(req.feed));
        std::shared_ptr<room::SubscriberStream> target;
        {
            std::lock_guard guard(subscriber->lock);
            for (const auto& s : subscriber->streams)
                if (s->mid == *req.sub_mid) target = s;
        }
        if (!target)
            throw ApiError(ErrorCode::invalid_element,
                           "Invalid element (no such sub_mid '" + *req.sub_mid + "')");
        {
            std::lock_guard sg(target->lock);
            if (target->media.kind != source->media.kind ||
                target->media.codec != source->media.codec)
                throw ApiError(ErrorCode::invalid_element,
                               "Invalid element (feed " + std::to_string(req.feed) + " mid " +
                                   *req.mid + " has a different codec than sub_mid " +
                                   *req.sub_mid + ")");
        }
        changes.push_back({target, source, publisher});
    }
    for (auto& change : changes) {
        unlink(*change.sub);
        {
            std::lock_guard sg(change.sub->lock);
            change.sub->source = change.source;
            change.sub->media = change.source->media;
            change.sub->feed_id = change.publisher->id;
            change.sub->feed_display = change.publisher->shown_display;
            change.sub->feed_mid = change.source->media.mid;
            change.sub->active = true;
            change.sub->simulcast = media::SimulcastSelector();
            change.sub->rewriter.force_resync();
            change.sub->vp8.on_switch();
        }
        link(*change.source, change.sub);
        if (change.source->media.kind == room::MediaKind::video)
            fanout_->request_keyframe(*change.publisher, *change.source, monotonic_us(), true);
    }
    Json event = Json::object();
    event.set("videoroom", "event").set("room", room->id()).set("switched", "ok");
    event.set("changes", static_cast<uint64_t>(changes.size()));
    {
        std::lock_guard guard(subscriber->lock);
        event.set("streams", subscriber_streams_json(*subscriber));
    }
    return Reply{event, Json()};
}

Plugin::Reply Plugin::update_subscriber(Session& session, const json_t* body,
                                        const std::string& request) {
    api::validate_fields(body, {{"subscribe", FieldType::array},
                                {"unsubscribe", FieldType::array},
                                {"streams", FieldType::array}});
    std::shared_ptr<room::Subscriber> subscriber;
    std::shared_ptr<room::Room> room;
    {
        std::lock_guard guard(session.lock);
        subscriber = session.subscriber;
        room = session.room;
    }
    if (!subscriber || !room) throw ApiError(ErrorCode::join_first, "Not joined");
    // Stock: a list that is present but empty is 430, not 429.
    auto refuse_empty = [body](const char* field, const char* what) {
        const json_t* list = json_object_get(body, field);
        if (json_is_array(list) && json_array_size(list) == 0)
            throw ApiError(ErrorCode::invalid_element, std::string("Empty ") + what + " list");
    };
    std::vector<StreamRequest> add, remove;
    if (request == "subscribe") {
        refuse_empty("streams", "subscription");
        add = parse_stream_requests(body, "streams", false);
    } else if (request == "unsubscribe") {
        refuse_empty("streams", "unsubscription");
        remove = parse_stream_requests(body, "streams", false, FeedField::optional);
    } else {
        if (!json_object_get(body, "subscribe") && !json_object_get(body, "unsubscribe"))
            throw ApiError(ErrorCode::missing_element,
                           "Missing mandatory element (subscribe/unsubscribe)");
        refuse_empty("subscribe", "subscription");
        refuse_empty("unsubscribe", "unsubscription");
        if (json_object_get(body, "subscribe"))
            add = parse_stream_requests(body, "subscribe", false);
        if (json_object_get(body, "unsubscribe"))
            remove = parse_stream_requests(body, "unsubscribe", false, FeedField::optional);
    }
    // Resolve the additions first so a bad feed changes nothing.
    std::vector<std::shared_ptr<room::PublisherStream>> sources;
    std::vector<uint64_t> feeds;
    std::vector<std::shared_ptr<const room::DisplayName>> displays;
    std::vector<const StreamRequest*> options;
    for (const auto& req : add) {
        auto publisher = room->publisher(req.feed);
        if (!publisher || !feed_started(*publisher))
            throw ApiError(ErrorCode::no_such_feed,
                           "No such feed (" + std::to_string(req.feed) + ")");
        if (req.mid) {
            auto s = publisher->stream_by_mid(*req.mid);
            if (!s || s->media.disabled)
                throw ApiError(ErrorCode::no_such_feed, "No such mid '" + *req.mid + "' in feed " +
                                                            std::to_string(req.feed));
            sources.push_back(s);
            feeds.push_back(req.feed);
            displays.push_back(publisher->shown_display);
            options.push_back(&req);
        } else if (auto list = publisher->streams_snapshot()) {
            for (const auto& s : *list)
                if (!s->media.disabled && s->media.kind != room::MediaKind::data) {
                    sources.push_back(s);
                    feeds.push_back(req.feed);
                    displays.push_back(publisher->shown_display);
                    options.push_back(&req);
                }
        }
    }
    Json event = Json::object();
    Json jsep;
    {
        std::lock_guard guard(subscriber->lock);
        size_t changes = 0;
        for (const auto& req : remove) {
            for (const auto& s : subscriber->streams) {
                {
                    // As stock: a sub_mid names one of our streams, whatever
                    // the feed; otherwise a feed (and maybe its mid); an
                    // entry with neither removes nothing.
                    std::lock_guard sg(s->lock);
                    if (!s->active) continue;
                    if (req.sub_mid) {
                        if (s->mid != *req.sub_mid) continue;
                    } else {
                        if (!req.has_feed || s->feed_id != req.feed) continue;
                        if (req.mid && s->feed_mid != *req.mid) continue;
                    }
                }
                unlink(*s);
                std::lock_guard sg(s->lock);
                s->active = false;
                changes++;
            }
        }
        changes += sources.size();
        // A feed went away without a new offer (autoupdate off, or skipped):
        // this update must offer (stock).
        if (subscriber->skipped_autoupdate) {
            subscriber->skipped_autoupdate = false;
            changes++;
        }
        if (changes == 0) {
            // Stock: nothing changed, so no offer; just the ack.
            event.set("videoroom", "updated").set("room", room->id());
            return Reply{event, Json()};
        }
        for (size_t i = 0; i < sources.size(); i++) {
            // As stock: an m-line whose feed is gone is reused by a new
            // stream of the same kind and codec, so churn does not grow the
            // SDP. Its mid, outgoing SSRC and SRTP index space stay; the
            // rewriter re-syncs as on a switch.
            std::shared_ptr<room::SubscriberStream> reuse;
            for (const auto& s : subscriber->streams) {
                std::lock_guard sg(s->lock);
                if (!s->active && s->media.kind == sources[i]->media.kind &&
                    s->media.codec == sources[i]->media.codec) {
                    reuse = s;
                    break;
                }
            }
            if (reuse) {
                {
                    std::lock_guard sg(reuse->lock);
                    reuse->feed_id = feeds[i];
                    reuse->feed_display = displays[i];
                    reuse->feed_mid = sources[i]->media.mid;
                    reuse->source = sources[i];
                    reuse->media = sources[i]->media;
                    reuse->payload_type = media::subscriber_payload_type(sources[i]->media.codec);
                    reuse->active = true;
                    reuse->send = true;
                    reuse->paused = subscriber->paused;
                    reuse->simulcast = media::SimulcastSelector();
                    reuse->rewriter.force_resync();
                    reuse->vp8.on_switch();
                    reuse->crossrefid.clear();
                    apply_stream_options(*reuse, *options[i]);
                }
                link(*sources[i], reuse);
                continue;
            }
            auto sub = std::make_shared<room::SubscriberStream>();
            sub->mindex = static_cast<int>(subscriber->streams.size());
            sub->mid = std::to_string(sub->mindex);
            sub->session = session.handle;
            sub->feed_id = feeds[i];
            sub->feed_display = displays[i];
            sub->feed_mid = sources[i]->media.mid;
            sub->source = sources[i];
            sub->media = sources[i]->media;
            sub->payload_type = media::subscriber_payload_type(sources[i]->media.codec);
            sub->paused = subscriber->paused;
            apply_stream_options(*sub, *options[i]);
            subscriber->streams.push_back(sub);
            link(*sources[i], sub);
        }
        if (!subscriber->answered) {
            // An offer is still unanswered: stock holds this one back until
            // the answer arrives (start_subscriber sends it).
            subscriber->pending_offer = true;
            event.set("videoroom", "updating").set("room", room->id());
            return Reply{event, Json()};
        }
        event.set("videoroom", "updated").set("room", room->id());
        event.set("streams", subscriber_streams_json(*subscriber));
        jsep = subscriber_offer(*subscriber);
    }
    return Reply{event, jsep};
}

void Plugin::detach_subscriber(Session& session) {
    std::shared_ptr<room::Subscriber> subscriber;
    {
        std::lock_guard guard(session.lock);
        subscriber = session.subscriber;
        session.role = Role::none;
        session.subscriber.reset();
        session.room.reset();
    }
    if (!subscriber) return;
    mirror_->subscriber_down(*subscriber);
    std::lock_guard guard(subscriber->lock);
    for (const auto& s : subscriber->streams) {
        unlink(*s);
        std::lock_guard sg(s->lock);
        s->active = false;
    }
}

Plugin::Reply Plugin::leave_subscriber(Session& session) {
    uint64_t room_id = 0;
    {
        std::lock_guard guard(session.lock);
        if (session.room) room_id = session.room->id();
    }
    detach_subscriber(session);
    gateway_->close_pc(session.handle);
    Json event = Json::object();
    event.set("videoroom", "event").set("room", room_id).set("left", "ok");
    return Reply{event, Json()};
}

}  // namespace swiftcall::core
