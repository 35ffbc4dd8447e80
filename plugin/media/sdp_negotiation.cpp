#include "media/sdp_negotiation.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <random>
#include <sstream>

#include "media/payload_types.h"

namespace swiftcall::media {
namespace {

using room::HeaderExtension;
using room::MediaDescription;
using room::MediaKind;

const char* const kMidUri = "urn:ietf:params:rtp-hdrext:sdes:mid";
const char* const kRidUri = "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id";
const char* const kRepairedRidUri = "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id";
const char* const kAudioLevelUri = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";
const char* const kVideoOrientationUri = "urn:3gpp:video-orientation";
const char* const kAbsSendTimeUri = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time";
const char* const kTransportCcUri =
    "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";

// What the Janus core understands on a publisher's PeerConnection.
bool is_accepted_from_publisher(const std::string& uri, MediaKind kind) {
    if (uri == kMidUri || uri == kAbsSendTimeUri || uri == kTransportCcUri) return true;
    if (kind == MediaKind::audio) return uri == kAudioLevelUri;
    return uri == kRidUri || uri == kRepairedRidUri || uri == kVideoOrientationUri;
}

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

struct Rtpmap {
    int payload_type = -1;
    std::string codec;
    uint32_t clock_rate = 0;
    int channels = 0;
};

std::vector<Rtpmap> rtpmaps_of(const SdpMedia& media) {
    std::vector<Rtpmap> out;
    for (const std::string& value : media.attributes_named("rtpmap")) {
        Rtpmap map;
        char name[64] = {0};
        unsigned rate = 0;
        int channels = 0;
        int fields = std::sscanf(value.c_str(), "%d %63[^/]/%u/%d", &map.payload_type, name, &rate,
                                 &channels);
        if (fields < 3 || map.payload_type < 0 || map.payload_type > 127) continue;
        map.codec = lower(name);
        map.clock_rate = rate;
        map.channels = fields == 4 ? channels : 0;
        out.push_back(map);
    }
    return out;
}

// H.264 needs packetization-mode=1 to carry FU-A fragmented keyframes.
bool acceptable(const SdpMedia& media, const Rtpmap& map) {
    if (map.codec != "h264") return true;
    for (const auto& fmtp : media.for_payload("fmtp", map.payload_type))
        if (fmtp.find("packetization-mode=1") != std::string::npos) return true;
    return false;
}

std::optional<Rtpmap> choose_codec(const SdpMedia& media, const std::vector<std::string>& wanted) {
    const auto maps = rtpmaps_of(media);
    for (const std::string& codec : wanted) {
        for (const std::string& format : media.formats) {
            for (const Rtpmap& map : maps) {
                if (std::to_string(map.payload_type) == format && map.codec == codec &&
                    acceptable(media, map))
                    return map;
            }
        }
    }
    return std::nullopt;
}

std::vector<HeaderExtension> extensions_of(const SdpMedia& media) {
    std::vector<HeaderExtension> out;
    for (const std::string& value : media.attributes_named("extmap")) {
        HeaderExtension ext;
        char uri[256] = {0};
        // "<id>[/<direction>] <uri> [attributes]"
        if (std::sscanf(value.c_str(), "%d%*[^ ] %255s", &ext.id, uri) != 2 &&
            std::sscanf(value.c_str(), "%d %255s", &ext.id, uri) != 2)
            continue;
        if (ext.id < 1 || ext.id > 14) continue;  // one-byte header ids only
        ext.uri = uri;
        out.push_back(ext);
    }
    return out;
}

MediaKind kind_of(const std::string& type) {
    if (type == "audio") return MediaKind::audio;
    if (type == "video") return MediaKind::video;
    return MediaKind::data;
}

void add(SdpMedia& media, const std::string& name, const std::string& value) {
    media.attributes.push_back({name, value, true});
}
void add_flag(SdpMedia& media, const std::string& name) {
    media.attributes.push_back({name, "", false});
}

std::vector<std::string> base_session_lines(uint64_t session_id, uint64_t version) {
    return {"v=0",
            "o=- " + std::to_string(session_id) + " " + std::to_string(version) +
                " IN IP4 127.0.0.1",
            "s=SwiftCall", "t=0 0"};
}

SdpMedia rejected_copy(const SdpMedia& offered) {
    SdpMedia media;
    media.type = offered.type;
    media.port = 0;
    media.proto = offered.proto;
    media.formats = offered.formats.empty() ? std::vector<std::string>{"0"}
                                            : std::vector<std::string>{offered.formats.front()};
    if (auto mid = offered.attribute("mid")) add(media, "mid", *mid);
    add_flag(media, "inactive");
    return media;
}

std::string encoding_name(const std::string& codec) {
    if (codec == "opus") return "opus";
    std::string name = codec;
    for (char& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return name;
}

void add_codec_lines(SdpMedia& media, const MediaDescription& desc, int payload_type) {
    std::string rtpmap = std::to_string(payload_type) + " " + encoding_name(desc.codec) + "/" +
                         std::to_string(desc.clock_rate);
    if (desc.channels > 0) rtpmap += "/" + std::to_string(desc.channels);
    add(media, "rtpmap", rtpmap);
    if (!desc.fmtp.empty()) add(media, "fmtp", std::to_string(payload_type) + " " + desc.fmtp);
}

MediaDescription describe(const SdpMedia& offered, int mindex, const Rtpmap& codec) {
    MediaDescription desc;
    desc.mindex = mindex;
    desc.mid = offered.attribute("mid").value_or(std::to_string(mindex));
    desc.kind = kind_of(offered.type);
    desc.codec = codec.codec;
    desc.payload_type = codec.payload_type;
    desc.clock_rate = codec.clock_rate;
    desc.channels = codec.channels;
    auto fmtps = offered.for_payload("fmtp", codec.payload_type);
    if (!fmtps.empty()) desc.fmtp = fmtps.front();
    for (const auto& fb : offered.for_payload("rtcp-fb", codec.payload_type)) {
        if (fb == "nack" || fb == "nack pli" || fb == "ccm fir" || fb == "goog-remb" ||
            fb == "transport-cc")
            desc.rtcp_fb.push_back(fb);
    }
    for (const auto& ext : extensions_of(offered))
        if (is_accepted_from_publisher(ext.uri, desc.kind)) desc.extensions.push_back(ext);
    return desc;
}

}  // namespace

uint64_t new_sdp_session_id() {
    // random_device is the kernel's CSPRNG here (getrandom); it is asked
    // once per subscriber, not per packet.
    thread_local std::random_device device;
    const uint64_t value = (uint64_t{device()} << 32) | device();
    return (value >> 2) | 1;  // never 0: some SDP parsers treat 0 as unset
}

bool is_forwarded_extension(const std::string& uri, MediaKind kind) {
    if (uri == kMidUri || uri == kAbsSendTimeUri) return true;
    if (kind == MediaKind::audio) return uri == kAudioLevelUri;
    return uri == kVideoOrientationUri;
}

PublisherNegotiation negotiate_publisher(const Sdp& offer, const CodecPreferences& preferences,
                                         uint64_t session_id) {
    PublisherNegotiation result;
    result.answer.session_lines = base_session_lines(session_id, 1);
    int mindex = 0;
    bool any_media = false;
    for (const SdpMedia& offered : offer.media) {
        const MediaKind kind = kind_of(offered.type);
        std::optional<Rtpmap> codec;
        if (kind == MediaKind::audio) codec = choose_codec(offered, preferences.audio);
        if (kind == MediaKind::video) codec = choose_codec(offered, preferences.video);
        const std::string dir = offered.direction();
        if (!codec || offered.port == 0 || dir == "recvonly") {
            result.answer.media.push_back(rejected_copy(offered));
            MediaDescription desc;
            desc.mindex = mindex;
            desc.mid = offered.attribute("mid").value_or(std::to_string(mindex));
            desc.kind = kind;
            desc.disabled = true;
            result.streams.push_back(desc);
            mindex++;
            continue;
        }
        MediaDescription desc = describe(offered, mindex, *codec);
        SdpMedia media;
        media.type = offered.type;
        media.port = 9;
        media.proto = offered.proto;
        media.formats = {std::to_string(desc.payload_type)};
        media.other_lines = {"c=IN IP4 127.0.0.1"};
        add(media, "mid", desc.mid);
        add_flag(media, dir == "inactive" ? "inactive" : "recvonly");
        add_codec_lines(media, desc, desc.payload_type);
        for (const auto& fb : desc.rtcp_fb)
            add(media, "rtcp-fb", std::to_string(desc.payload_type) + " " + fb);
        for (const auto& ext : desc.extensions)
            add(media, "extmap", std::to_string(ext.id) + " " + ext.uri);
        result.answer.media.push_back(std::move(media));
        result.streams.push_back(std::move(desc));
        any_media = true;
        mindex++;
    }
    if (!any_media) result.error = "No supported media in the offer";
    return result;
}

Sdp build_subscriber_offer(const std::vector<SubscribedMedia>& media_list, uint64_t session_id,
                           uint64_t version) {
    Sdp sdp;
    sdp.session_lines = base_session_lines(session_id, version);
    for (const SubscribedMedia& sub : media_list) {
        const MediaDescription& src = sub.source;
        const int pt = subscriber_payload_type(src.codec);
        SdpMedia media;
        media.type = to_string(src.kind);
        media.proto = "UDP/TLS/RTP/SAVPF";
        media.formats = {std::to_string(pt < 0 ? 0 : pt)};
        media.other_lines = {"c=IN IP4 127.0.0.1"};
        add(media, "mid", sub.mid);
        if (pt < 0) {
            // A codec we cannot offer: the m-line is rejected.
            media.port = 0;
            add_flag(media, "inactive");
            sdp.media.push_back(std::move(media));
            continue;
        }
        if (!sub.active || src.disabled) {
            // As stock: a stream whose feed is gone stays a live, bundled
            // m-line (port 9, so the core keeps its ICE/DTLS attributes and
            // BUNDLE membership) with its codec, only inactive; a port-0
            // m-line without transport attributes is one some peers (aiortc)
            // cannot parse, and it could never be reused.
            media.port = 9;
            add_flag(media, "inactive");
            add_codec_lines(media, src, pt);
            sdp.media.push_back(std::move(media));
            continue;
        }
        media.port = 9;
        add_flag(media, "sendonly");
        add_codec_lines(media, src, pt);
        for (const auto& fb : src.rtcp_fb)
            if (fb != "transport-cc") add(media, "rtcp-fb", std::to_string(pt) + " " + fb);
        for (const auto& ext : src.extensions) {
            const int id = subscriber_extension_id(ext.uri);
            if (id > 0 && is_forwarded_extension(ext.uri, src.kind))
                add(media, "extmap", std::to_string(id) + " " + ext.uri);
        }
        sdp.media.push_back(std::move(media));
    }
    return sdp;
}

}  // namespace swiftcall::media
