// rtp_forward, stop_rtp_forward and listforwarders, with the stock
// VideoRoom's request and reply shapes (janus_videoroom.c 1.1.2, "RTP
// forwarders"). A forwarder is one more leg of its publisher stream's
// fan-out (fanout/rtp_forwarder.h): the kernel transmitter sends it once
// its next hop resolves, its own UDP socket until then or when the kernel
// path is not there.
//
// Where stock accepts and ignores, this answers with an error instead:
// an unknown mid (stock skips it), srtp_suite without srtp_crypto or an
// SRTP key too short (stock forwards plain RTP, or nothing), per-stream SRTP
// is honoured (stock reads only the global one), and what is not built yet
// (rtcp_port, "simulcast": true, data streams) is refused and logged.
#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <cinttypes>
#include <cstring>
#include <mutex>
#include <random>

#include "api/api_error.h"
#include "api/field_validator.h"
#include "api/secret_check.h"
#include "core/plugin.h"
#include "datapath/srtp_keys.h"
#include "fanout/sealed_leg.h"
#include "fanout/udp_rtp_forwarder.h"

extern "C" {
#include <debug.h>
#include <glib.h>
}

namespace swiftcall::core {
namespace {

using api::ApiError;
using api::ErrorCode;
using api::FieldType;
using api::Json;

// What one entry of "streams" (or the legacy audio_/video_ fields) asks.
struct StreamRequest {
    std::string mid;  // empty: the publisher's first stream of `kind`
    room::MediaKind kind = room::MediaKind::audio;
    std::string host;
    int family = 0;
    uint16_t port = 0;
    uint32_t ssrc = 0;
    uint8_t pt = 0;
    int substream = 0;
    std::optional<datapath::SrtpMaster> srtp;
    int srtp_suite = 0;
};

int parse_family(const json_t* body) {
    auto value = api::string_field(body, "host_family");
    if (!value) return 0;
    if (g_ascii_strcasecmp(value->c_str(), "ipv4") == 0) return AF_INET;
    if (g_ascii_strcasecmp(value->c_str(), "ipv6") == 0) return AF_INET6;
    throw ApiError(ErrorCode::invalid_element, "Unsupported protocol family (" + *value + ")");
}

// The numeric address of `host` (names resolved, as stock does).
fanout::RtpForwardTarget resolve(const std::string& host, int family) {
    addrinfo hints{};
    hints.ai_family = family;
    hints.ai_socktype = SOCK_DGRAM;
    addrinfo* list = nullptr;
    fanout::RtpForwardTarget t;
    bool found = false;
    if (getaddrinfo(host.c_str(), nullptr, &hints, &list) == 0) {
        for (addrinfo* a = list; a && !found; a = a->ai_next) {
            char text[INET6_ADDRSTRLEN] = {0};
            if (a->ai_family == AF_INET) {
                const auto* in = reinterpret_cast<const sockaddr_in*>(a->ai_addr);
                std::memcpy(t.addr.data(), &in->sin_addr, 4);
                t.family = SC_AF_INET;
                found = inet_ntop(AF_INET, &in->sin_addr, text, sizeof(text)) != nullptr;
            } else if (a->ai_family == AF_INET6) {
                const auto* in = reinterpret_cast<const sockaddr_in6*>(a->ai_addr);
                std::memcpy(t.addr.data(), &in->sin6_addr, 16);
                t.family = SC_AF_INET6;
                found = inet_ntop(AF_INET6, &in->sin6_addr, text, sizeof(text)) != nullptr;
            }
            if (found) t.host = text;
        }
        freeaddrinfo(list);
    }
    if (!found)
        throw ApiError(ErrorCode::invalid_element, "Could not resolve address (" + host + ")...");
    return t;
}

// srtp_suite + srtp_crypto (base64 of the 30-byte master key and salt, as
// in SDES) of `body`; nullopt when neither is there.
std::optional<datapath::SrtpMaster> parse_srtp(const json_t* body, int* suite_out) {
    auto suite = api::uint_field(body, "srtp_suite");
    auto crypto = api::string_field(body, "srtp_crypto");
    if (!suite && !crypto) return std::nullopt;
    if (!suite || !crypto)
        throw ApiError(ErrorCode::missing_element,
                       "srtp_suite and srtp_crypto go together (one without the other would "
                       "forward plain RTP)");
    if (*suite != 32 && *suite != 80)
        throw ApiError(ErrorCode::invalid_element,
                       "Invalid SRTP suite (" + std::to_string(*suite) + ")");
    datapath::SrtpMaster m;
    m.profile = *suite == 32 ? SC_PROFILE_AES128_CM_SHA1_32 : SC_PROFILE_AES128_CM_SHA1_80;
    gsize len = 0;
    guchar* decoded = g_base64_decode(crypto->c_str(), &len);
    if (len < 30) {
        g_free(decoded);
        throw ApiError(ErrorCode::invalid_element,
                       "Invalid SRTP crypto (" + std::to_string(len) +
                           " bytes decoded, 30 needed: 16 of key and 14 of salt)");
    }
    m.key.assign(decoded, decoded + 16);
    m.salt.assign(decoded + 16, decoded + 30);
    g_free(decoded);
    *suite_out = static_cast<int>(*suite);
    return m;
}

uint32_t u32_field(const json_t* body, const char* name) {
    auto v = api::uint_field(body, name);
    if (v && *v > 0xffffffffull)
        throw ApiError(ErrorCode::invalid_element, std::string("Invalid element (") + name + ")");
    return v ? static_cast<uint32_t>(*v) : 0;
}

uint16_t port_field(const json_t* body, const char* name) {
    auto v = api::uint_field(body, name);
    if (v && *v > 65535)
        throw ApiError(ErrorCode::invalid_element, std::string("Invalid element (") + name + ")");
    return v ? static_cast<uint16_t>(*v) : 0;
}

uint8_t pt_field(const json_t* body, const char* name) {
    auto v = api::uint_field(body, name);
    if (v && *v > 127)
        throw ApiError(ErrorCode::invalid_element, std::string("Invalid element (") + name + ")");
    return v ? static_cast<uint8_t>(*v) : 0;
}

// A field asking for what is not built yet: refused, never ignored. A
// boolean asks only when true.
void refuse_unbuilt(const json_t* body, const char* field, const std::string& why) {
    const json_t* value = json_object_get(body, field);
    if (!value || json_is_false(value)) return;
    JANUS_LOG(LOG_WARN, "[SwiftCall] rtp_forward: %s: %s\n", field, why.c_str());
    throw ApiError(ErrorCode::invalid_element, std::string(field) + ": " + why);
}

// The stock summary of one forwarder (janus_videoroom_rtp_forwarder_summary)
// plus where SwiftCall sends it from.
Json summary(const fanout::RtpForwarder& f) {
    const auto& t = f.target();
    Json j = Json::object();
    j.set("stream_id", static_cast<uint64_t>(f.id()));
    j.set("host", t.host).set("port", static_cast<int>(t.port));
    j.set("type", f.video() ? "video" : "audio");
    if (t.pt) j.set("pt", static_cast<int>(t.pt));
    if (t.ssrc) j.set("ssrc", static_cast<uint64_t>(t.ssrc));
    if (f.video() && t.substream) j.set("substream", t.substream);
    if (t.srtp) j.set("srtp", Json::adopt(json_true()));
    j.set("path", f.sealed ? "kernel" : "user");
    return j;
}

// The publisher a forwarder request names in `room` (428 when it is not there).
std::shared_ptr<room::Publisher> named_publisher(const room::Room& room, const json_t* body) {
    const uint64_t id = *api::uint_field(body, "publisher_id");
    auto publisher = room.publisher(id);
    if (!publisher)
        throw ApiError(ErrorCode::no_such_feed, "No such feed (" + std::to_string(id) + ")");
    return publisher;
}

// {"videoroom": verb, "room", "publisher_id"}: what rtp_forward and
// stop_rtp_forward answer and tell event handlers, before their own keys.
Json publisher_message(const char* key, const char* verb, uint64_t room, uint64_t publisher) {
    Json j = Json::object();
    j.set(key, verb).set("room", room).set("publisher_id", publisher);
    return j;
}

}  // namespace

void Plugin::check_rtp_forward_key(const json_t* body) {
    if (config_.lock_rtp_forward && !config_.admin_key.empty())
        api::check_secret(config_.admin_key, body, "admin_key");
}

Json Plugin::room_rtp_forward(const json_t* body) {
    api::validate_fields(body, {{"room", FieldType::positive_integer, true},
                                {"publisher_id", FieldType::positive_integer, true},
                                {"secret", FieldType::string},
                                {"admin_key", FieldType::string},
                                {"host", FieldType::string, true},
                                {"host_family", FieldType::string},
                                {"simulcast", FieldType::boolean},
                                {"srtp_suite", FieldType::positive_integer},
                                {"srtp_crypto", FieldType::string},
                                {"streams", FieldType::array},
                                {"video_port", FieldType::positive_integer},
                                {"video_rtcp_port", FieldType::positive_integer},
                                {"video_ssrc", FieldType::positive_integer},
                                {"video_pt", FieldType::positive_integer},
                                {"video_port_2", FieldType::positive_integer},
                                {"video_ssrc_2", FieldType::positive_integer},
                                {"video_pt_2", FieldType::positive_integer},
                                {"video_port_3", FieldType::positive_integer},
                                {"video_ssrc_3", FieldType::positive_integer},
                                {"video_pt_3", FieldType::positive_integer},
                                {"audio_port", FieldType::positive_integer},
                                {"audio_rtcp_port", FieldType::positive_integer},
                                {"audio_ssrc", FieldType::positive_integer},
                                {"audio_pt", FieldType::positive_integer},
                                {"data_port", FieldType::positive_integer}});
    check_rtp_forward_key(body);
    const int family = parse_family(body);
    const std::string host = resolve(*api::string_field(body, "host"), family).host;
    int suite = 0;
    const auto srtp = parse_srtp(body, &suite);
    refuse_unbuilt(body, "simulcast",
                   "a forwarder acting as a simulcast viewer is not supported yet (forward "
                   "the substreams separately with port_2/port_3)");
    refuse_unbuilt(body, "video_rtcp_port", "RTCP from forwarder targets is not supported yet");
    refuse_unbuilt(body, "audio_rtcp_port", "RTCP from forwarder targets is not supported yet");
    refuse_unbuilt(body, "data_port", "data channels are not supported");

    std::vector<StreamRequest> asked;
    auto add = [&](const std::string& mid, room::MediaKind kind, const std::string& h, int fam,
                   uint16_t port, uint32_t ssrc, uint8_t pt, int substream,
                   const std::optional<datapath::SrtpMaster>& key, int key_suite) {
        StreamRequest r;
        r.mid = mid;
        r.kind = kind;
        r.host = h;
        r.family = fam;
        r.port = port;
        r.ssrc = ssrc;
        r.pt = pt;
        r.substream = substream;
        r.srtp = key;
        r.srtp_suite = key_suite;
        asked.push_back(std::move(r));
    };
    const json_t* streams = json_object_get(body, "streams");
    if (streams && json_array_size(streams) > 0) {
        for (size_t i = 0; i < json_array_size(streams); ++i) {
            const json_t* s = json_array_get(streams, i);
            if (!json_is_object(s))
                throw ApiError(ErrorCode::invalid_element,
                               "Invalid element in the streams array (not an object)");
            api::validate_fields(s, {{"mid", FieldType::string, true},
                                     {"host", FieldType::string},
                                     {"host_family", FieldType::string},
                                     {"port", FieldType::positive_integer, true},
                                     {"rtcp_port", FieldType::positive_integer},
                                     {"ssrc", FieldType::positive_integer},
                                     {"pt", FieldType::positive_integer},
                                     {"simulcast", FieldType::boolean},
                                     {"srtp_suite", FieldType::positive_integer},
                                     {"srtp_crypto", FieldType::string},
                                     {"port_2", FieldType::positive_integer},
                                     {"ssrc_2", FieldType::positive_integer},
                                     {"pt_2", FieldType::positive_integer},
                                     {"port_3", FieldType::positive_integer},
                                     {"ssrc_3", FieldType::positive_integer},
                                     {"pt_3", FieldType::positive_integer}});
            refuse_unbuilt(s, "rtcp_port", "RTCP from forwarder targets is not supported yet");
            refuse_unbuilt(s, "simulcast",
                           "a forwarder acting as a simulcast viewer is not supported yet "
                           "(forward the substreams separately with port_2/port_3)");
            const int s_family = json_object_get(s, "host_family") ? parse_family(s) : family;
            const std::string s_host = api::string_field(s, "host")
                                           ? resolve(*api::string_field(s, "host"), s_family).host
                                           : host;
            int s_suite = suite;
            auto s_srtp = parse_srtp(s, &s_suite);
            if (!s_srtp) s_srtp = srtp;
            const std::string mid = *api::string_field(s, "mid");
            // The kind is the stream's own, checked below.
            add(mid, room::MediaKind::data, s_host, s_family, port_field(s, "port"),
                u32_field(s, "ssrc"), pt_field(s, "pt"), 0, s_srtp, s_suite);
            if (auto p2 = port_field(s, "port_2"))
                add(mid, room::MediaKind::data, s_host, s_family, p2, u32_field(s, "ssrc_2"),
                    pt_field(s, "pt_2"), 1, s_srtp, s_suite);
            if (auto p3 = port_field(s, "port_3"))
                add(mid, room::MediaKind::data, s_host, s_family, p3, u32_field(s, "ssrc_3"),
                    pt_field(s, "pt_3"), 2, s_srtp, s_suite);
        }
    } else {
        // The deprecated form: the publisher's first audio and video stream.
        if (auto p = port_field(body, "audio_port"))
            add("", room::MediaKind::audio, host, family, p, u32_field(body, "audio_ssrc"),
                pt_field(body, "audio_pt"), 0, srtp, suite);
        if (auto p = port_field(body, "video_port"))
            add("", room::MediaKind::video, host, family, p, u32_field(body, "video_ssrc"),
                pt_field(body, "video_pt"), 0, srtp, suite);
        if (auto p = port_field(body, "video_port_2"))
            add("", room::MediaKind::video, host, family, p, u32_field(body, "video_ssrc_2"),
                pt_field(body, "video_pt_2"), 1, srtp, suite);
        if (auto p = port_field(body, "video_port_3"))
            add("", room::MediaKind::video, host, family, p, u32_field(body, "video_ssrc_3"),
                pt_field(body, "video_pt_3"), 2, srtp, suite);
    }

    if (asked.empty())
        throw ApiError(ErrorCode::missing_element,
                       "Missing mandatory element (streams, or audio_port/video_port)");
    auto room = room_for(body, true);
    auto publisher = named_publisher(*room, body);
    const uint64_t publisher_id = publisher->id;
    auto streams_now = publisher->streams_snapshot();
    // Every target is checked before any is made: a refused request adds none.
    std::vector<std::shared_ptr<room::PublisherStream>> sources;
    for (auto& r : asked) {
        std::shared_ptr<room::PublisherStream> source;
        if (!r.mid.empty()) {
            source = publisher->stream_by_mid(r.mid);
        } else if (streams_now) {
            for (const auto& s : *streams_now)
                if (s->media.kind == r.kind) {
                    source = s;
                    break;
                }
        }
        if (!source)
            throw ApiError(ErrorCode::no_such_feed,
                           r.mid.empty()
                               ? std::string("No ") + room::to_string(r.kind) + " stream to forward"
                               : "No such stream with mid '" + r.mid + "'");
        if (source->media.kind == room::MediaKind::data)
            throw ApiError(ErrorCode::invalid_element, "data channels are not supported");
        r.kind = source->media.kind;
        if (r.kind == room::MediaKind::audio && r.substream > 0)
            throw ApiError(ErrorCode::invalid_element,
                           "port_2/port_3: mid '" + source->media.mid + "' is audio");
        sources.push_back(source);
    }

    // Random ids, as stock's, unique among the publisher's forwarders.
    auto taken = [&](uint32_t id) {
        for (const auto& s : *streams_now) {
            std::lock_guard guard(s->lock);
            for (const auto& f : s->forwarders)
                if (f->id() == id) return true;
        }
        return false;
    };
    static std::mt19937 ids{std::random_device{}()};
    static std::mutex ids_lock;
    std::vector<std::shared_ptr<fanout::RtpForwarder>> made;
    for (size_t i = 0; i < asked.size(); ++i) {
        const StreamRequest& r = asked[i];
        fanout::RtpForwardTarget t = resolve(r.host, r.family);
        t.port = r.port;
        t.ssrc = r.ssrc;
        t.pt = r.pt;
        t.substream = r.substream;
        t.srtp = r.srtp;
        t.srtp_suite = r.srtp_suite;
        uint32_t id = 0;
        do {
            std::lock_guard guard(ids_lock);
            id = static_cast<uint32_t>(ids());
        } while (id == 0 || taken(id) || std::any_of(made.begin(), made.end(), [&](const auto& f) {
                     return f->id() == id;
                 }));
        try {
            made.push_back(std::make_shared<fanout::UdpRtpForwarder>(
                id, r.kind == room::MediaKind::video, std::move(t)));
        } catch (const std::exception& e) {
            JANUS_LOG(LOG_ERR, "[SwiftCall] rtp_forward to %s:%u: %s\n", r.host.c_str(), r.port,
                      e.what());
            throw ApiError(ErrorCode::unknown, std::string("Could not open the forwarder's "
                                                           "UDP socket: ") +
                                                   e.what());
        }
    }
    Json list = Json::array();
    for (size_t i = 0; i < made.size(); ++i) {
        auto& f = made[i];
        auto& source = sources[i];
        {
            std::lock_guard guard(source->lock);
            source->forwarders.push_back(f);
            list.append(summary(*f));
        }
        const auto& t = f->target();
        JANUS_LOG(LOG_INFO,
                  "[SwiftCall] room %" PRIu64 ": forwarder %u of publisher %" PRIu64
                  " mid %s%s -> %s:%u (%s, %s), from its own socket until its path is checked\n",
                  room->id(), f->id(), publisher_id, source->media.mid.c_str(),
                  t.substream ? (" substream " + std::to_string(t.substream)).c_str() : "",
                  t.host.c_str(), t.port, room::to_string(source->media.kind),
                  t.srtp ? "SRTP" : "plain RTP");
        Json info = Json::borrow(json_array_get(list.get(), i));
        info = Json::adopt(json_deep_copy(info.get()));
        info.set("event", "rtp_forward").set("room", room->id()).set("publisher_id", publisher_id);
        info.set("media", room::to_string(source->media.kind));
        info.set("codec", source->media.codec);
        notify_event_handlers(nullptr, std::move(info));
    }
    return publisher_message("videoroom", "rtp_forward", room->id(), publisher_id)
        .set("forwarders", list);
}

Json Plugin::room_stop_rtp_forward(const json_t* body) {
    api::validate_fields(body, {{"room", FieldType::positive_integer, true},
                                {"publisher_id", FieldType::positive_integer, true},
                                {"stream_id", FieldType::positive_integer, true},
                                {"secret", FieldType::string},
                                {"admin_key", FieldType::string}});
    check_rtp_forward_key(body);
    auto room = room_for(body, true);
    auto publisher = named_publisher(*room, body);
    const uint64_t publisher_id = publisher->id;
    const uint64_t stream_id = *api::uint_field(body, "stream_id");
    std::shared_ptr<fanout::RtpForwarder> removed;
    std::shared_ptr<fanout::SealedLeg> leg;
    if (auto streams = publisher->streams_snapshot()) {
        for (const auto& s : *streams) {
            std::lock_guard guard(s->lock);
            auto it = std::find_if(s->forwarders.begin(), s->forwarders.end(),
                                   [&](const auto& f) { return f->id() == stream_id; });
            if (it == s->forwarders.end()) continue;
            removed = *it;
            leg = removed->sealed;  // the worker changes it under this lock only
            s->forwarders.erase(it);
            break;
        }
    }
    if (!removed)
        throw ApiError(ErrorCode::no_such_feed,
                       "No such stream (" + std::to_string(stream_id) + ")");
    // Out of the fan-out (under the stream lock above): its kernel leg's
    // frames still in a batch are dropped by the sender.
    if (leg) {
        leg->removed.store(true, std::memory_order_release);
        leg->wait_idle();
    }
    JANUS_LOG(LOG_INFO,
              "[SwiftCall] room %" PRIu64 ": forwarder %" PRIu64 " stopped: %" PRIu64
              " packets from its socket, %" PRIu64 " from the kernel transmitter\n",
              room->id(), stream_id, removed->packets.load(), leg ? leg->counters().packets : 0);
    notify_event_handlers(nullptr,
                          publisher_message("event", "stop_rtp_forward", room->id(), publisher_id)
                              .set("stream_id", stream_id));
    return publisher_message("videoroom", "stop_rtp_forward", room->id(), publisher_id)
        .set("stream_id", stream_id);
}

Json Plugin::room_list_forwarders(const json_t* body) {
    api::validate_fields(
        body, {{"room", FieldType::positive_integer, true}, {"secret", FieldType::string}});
    auto room = room_for(body, true);
    Json publishers = Json::array();
    for (const auto& publisher : room->publishers()) {
        auto streams = publisher->streams_snapshot();
        if (!streams) continue;
        Json list = Json::array();
        size_t count = 0;
        for (const auto& s : *streams) {
            std::lock_guard guard(s->lock);
            for (const auto& f : s->forwarders) {
                Json j = summary(*f);
                j.set("packets",
                      f->packets.load() + (f->sealed ? f->sealed->counters().packets : 0));
                list.append(std::move(j));
                count++;
            }
        }
        if (!count) continue;
        Json p = Json::object();
        p.set("publisher_id", publisher->id);
        const std::string display = publisher->shown_display->get();
        if (!display.empty()) p.set("display", display);
        p.set("forwarders", list);
        publishers.append(std::move(p));
    }
    Json reply = Json::object();
    reply.set("videoroom", "forwarders").set("room", room->id()).set("publishers", publishers);
    return reply;
}

void Plugin::refresh_forwarder_paths() {
    for (const auto& room : rooms_.all())
        for (const auto& publisher : room->publishers()) {
            auto streams = publisher->streams_snapshot();
            if (!streams) continue;
            for (const auto& s : *streams) {
                std::vector<std::shared_ptr<fanout::RtpForwarder>> targets;
                {
                    std::lock_guard guard(s->lock);
                    targets = s->forwarders;
                }
                for (const auto& f : targets) {
                    if (f->sealed) {
                        // A kernel leg whose sends all fail (a next hop that
                        // went away) goes back to the socket and is planned
                        // again from a fresh route and neighbour lookup.
                        const auto c = f->sealed->counters();
                        const uint64_t errors = c.errors - f->checked_errors;
                        const uint64_t sent = c.packets - f->checked_packets;
                        f->checked_errors = c.errors;
                        f->checked_packets = c.packets;
                        if (errors < 10 || sent > 0) continue;
                        {
                            std::lock_guard guard(s->lock);
                            f->sealed->removed.store(true, std::memory_order_release);
                            f->sealed.reset();
                        }
                        f->checked_errors = f->checked_packets = 0;
                        f->path_reason = "user: kernel leg failing (" + std::to_string(errors) +
                                         " send errors, none sent)";
                        JANUS_LOG(LOG_WARN, "[SwiftCall] room %" PRIu64 ": forwarder %u: %s\n",
                                  room->id(), f->id(), f->path_reason.c_str());
                        continue;
                    }
                    std::string path;
                    std::shared_ptr<fanout::SealedLeg> leg;
                    if (!mirror_) {
                        path = "user: no kernel datapath";
                    } else {
                        datapath::SrtpMaster plain;
                        plain.profile = SC_PROFILE_NONE;
                        try {
                            leg = mirror_->forwarder_leg(
                                f->tuple(), f->target().srtp ? *f->target().srtp : plain, &path);
                        } catch (const std::exception& e) {
                            path = std::string("user: ") + e.what();
                        }
                    }
                    if (leg) {
                        std::lock_guard guard(s->lock);
                        // Gone meanwhile (stop_rtp_forward): not attached.
                        if (std::find(s->forwarders.begin(), s->forwarders.end(), f) ==
                            s->forwarders.end())
                            continue;
                        f->sealed = std::move(leg);
                    }
                    if (path != f->path_reason) {
                        JANUS_LOG(LOG_INFO,
                                  "[SwiftCall] room %" PRIu64 ": forwarder %u -> %s:%u: %s\n",
                                  room->id(), f->id(), f->target().host.c_str(), f->target().port,
                                  path.c_str());
                        f->path_reason = std::move(path);
                    }
                }
            }
        }
}

}  // namespace swiftcall::core
