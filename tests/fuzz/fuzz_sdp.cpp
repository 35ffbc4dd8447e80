// parse_sdp on arbitrary text, then everything the plugin derives from a
// publisher's offer. The model must account for every line of the text and
// survive serialize -> parse unchanged (the plugin edits offers through it
// and hands the result to the Janus core, which rejects unparseable SDP);
// negotiate_publisher must answer every offered m-line, in order, with only
// what the room allows; the subscriber offer built from the negotiated
// streams must be SDP too, with one m-line per subscribed stream.
#include <algorithm>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.h"
#include "media/payload_types.h"
#include "media/sdp.h"
#include "media/sdp_negotiation.h"

using namespace swiftcall::media;
using swiftcall::room::MediaKind;

namespace {

// parse_sdp refuses blobs above this (media/sdp.cpp); a serialized model
// that grew past it (CRLF for LF) is legitimately unparseable.
constexpr size_t kParseableBytes = 64 * 1024;

bool same_attributes(const std::vector<SdpAttribute>& a, const std::vector<SdpAttribute>& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); i++)
        if (a[i].name != b[i].name || a[i].value != b[i].value || a[i].has_value != b[i].has_value)
            return false;
    return true;
}

bool same_model(const Sdp& a, const Sdp& b) {
    if (a.session_lines != b.session_lines || !same_attributes(a.attributes, b.attributes) ||
        a.media.size() != b.media.size())
        return false;
    for (size_t i = 0; i < a.media.size(); i++) {
        const SdpMedia& x = a.media[i];
        const SdpMedia& y = b.media[i];
        if (x.type != y.type || x.port != y.port || x.proto != y.proto || x.formats != y.formats ||
            x.other_lines != y.other_lines || !same_attributes(x.attributes, y.attributes))
            return false;
    }
    return true;
}

// The lines of the text as RFC 8866 §5 has them (LF-terminated, CR before
// the LF tolerated), blank ones skipped.
std::vector<std::string_view> lines_of(std::string_view text) {
    std::vector<std::string_view> out;
    while (!text.empty()) {
        const size_t end = std::min(text.find('\n'), text.size());
        std::string_view line = text.substr(0, end);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (!line.empty()) out.push_back(line);
        text.remove_prefix(std::min(end + 1, text.size()));
    }
    return out;
}

// Every line of the text lands in exactly one place of the model.
void check_accounts_for_text(std::string_view text, const Sdp& sdp) {
    size_t m_lines = 0, a_lines = 0, other = 0;
    for (std::string_view line : lines_of(text)) {
        FUZZ_CHECK(line.size() >= 2 && line[1] == '=');
        if (line[0] == 'm')
            m_lines++;
        else if (line[0] == 'a')
            a_lines++;
        else
            other++;
    }
    size_t attributes = sdp.attributes.size(), media_other = 0;
    for (const SdpMedia& media : sdp.media) {
        attributes += media.attributes.size();
        media_other += media.other_lines.size();
        FUZZ_CHECK(media.port >= 0 && media.port <= 65535);
    }
    FUZZ_CHECK(sdp.media.size() == m_lines);
    FUZZ_CHECK(attributes == a_lines);
    FUZZ_CHECK(sdp.session_lines.size() + media_other == other);
    FUZZ_CHECK(!sdp.session_lines.empty() && sdp.session_lines.front().rfind("v=0", 0) == 0);
}

// What the plugin's own output must always be: SDP that parses back to the
// same model, with the same text when serialized again.
void check_reparses(const Sdp& sdp) {
    const std::string text = serialize_sdp(sdp);
    if (text.size() > kParseableBytes) return;
    const auto parsed = parse_sdp(text);
    FUZZ_CHECK(parsed.has_value());
    FUZZ_CHECK(parsed->media.size() == sdp.media.size());
    FUZZ_CHECK(same_model(sdp, *parsed));
    FUZZ_CHECK(serialize_sdp(*parsed) == text);
}

bool contains(const std::vector<std::string>& list, const std::string& item) {
    for (const std::string& x : list)
        if (x == item) return true;
    return false;
}

bool is_direction(const std::string& d) {
    return d == "sendrecv" || d == "sendonly" || d == "recvonly" || d == "inactive";
}

void check_accessors(const SdpMedia& media) {
    FUZZ_CHECK(is_direction(media.direction()));
    const auto mid = media.attribute("mid");
    const auto mids = media.attributes_named("mid");
    FUZZ_CHECK(mid.has_value() == !mids.empty());
    if (mid) FUZZ_CHECK(*mid == mids.front());
    for (const std::string& format : media.formats) {
        int pt = -1;
        std::from_chars(format.data(), format.data() + format.size(), pt);
        const std::string prefix = std::to_string(pt) + " ";
        const auto fmtps = media.for_payload("fmtp", pt);
        size_t expected = 0;
        for (const std::string& value : media.attributes_named("fmtp"))
            if (value.rfind(prefix, 0) == 0) expected++;
        FUZZ_CHECK(fmtps.size() == expected);
        (void)media.for_payload("rtcp-fb", pt);
    }
}

// Two rooms: the default codec order, and one that prefers H.264 so that
// its packetization-mode rule is reached on offers that also carry VP8.
const CodecPreferences kRooms[] = {
    {{"opus", "pcmu", "pcma", "g722"}, {"vp8", "vp9", "h264", "av1"}},
    {{"g722", "pcmu", "opus"}, {"h264", "av1", "vp9", "vp8"}},
};

void check_answer(const Sdp& offer, const CodecPreferences& room,
                  const PublisherNegotiation& negotiation) {
    FUZZ_CHECK(negotiation.streams.size() == offer.media.size());
    FUZZ_CHECK(negotiation.answer.media.size() == offer.media.size());
    bool any_enabled = false;
    for (size_t i = 0; i < offer.media.size(); i++) {
        const SdpMedia& offered = offer.media[i];
        const SdpMedia& answered = negotiation.answer.media[i];
        const auto& stream = negotiation.streams[i];
        FUZZ_CHECK(stream.mindex == static_cast<int>(i));
        FUZZ_CHECK(stream.mid == offered.attribute("mid").value_or(std::to_string(i)));
        FUZZ_CHECK(answered.type == offered.type && answered.proto == offered.proto);
        FUZZ_CHECK(answered.formats.size() == 1);
        if (stream.disabled) {
            FUZZ_CHECK(answered.port == 0);
            FUZZ_CHECK(answered.direction() == "inactive");
            continue;
        }
        any_enabled = true;
        // An enabled stream: an audio/video m-line the publisher sends on,
        // with a codec of the room's list that the offer really carries.
        FUZZ_CHECK(stream.kind != MediaKind::data);
        FUZZ_CHECK(offered.port != 0 && offered.direction() != "recvonly");
        const auto& wanted = stream.kind == MediaKind::audio ? room.audio : room.video;
        FUZZ_CHECK(contains(wanted, stream.codec));
        FUZZ_CHECK(stream.payload_type >= 0 && stream.payload_type <= 127);
        const std::string pt = std::to_string(stream.payload_type);
        FUZZ_CHECK(contains(offered.formats, pt));
        FUZZ_CHECK(answered.formats.front() == pt);
        FUZZ_CHECK(answered.port == 9);
        FUZZ_CHECK(answered.direction() == "recvonly" || answered.direction() == "inactive");
        // RFC 6184: FU-A (needed for keyframes) only with packetization-mode=1.
        if (stream.codec == "h264") {
            bool mode1 = false;
            for (const auto& fmtp : offered.for_payload("fmtp", stream.payload_type))
                mode1 = mode1 || fmtp.find("packetization-mode=1") != std::string::npos;
            FUZZ_CHECK(mode1);
        }
        for (const auto& ext : stream.extensions) FUZZ_CHECK(ext.id >= 1 && ext.id <= 14);
    }
    FUZZ_CHECK(negotiation.error.empty() == any_enabled);
}

void check_subscriber_offer(const std::vector<SubscribedMedia>& subscribed, const Sdp& offer) {
    FUZZ_CHECK(offer.media.size() == subscribed.size());
    for (size_t i = 0; i < subscribed.size(); i++) {
        const SubscribedMedia& sub = subscribed[i];
        const SdpMedia& media = offer.media[i];
        FUZZ_CHECK(media.attribute("mid") == sub.mid);
        const int pt = subscriber_payload_type(sub.source.codec);
        const bool sending = sub.active && !sub.source.disabled && pt >= 0;
        // Only an m-line whose codec cannot be offered is rejected (port 0);
        // a stream whose feed is gone stays bundled but inactive (stock).
        FUZZ_CHECK((media.port != 0) == (pt >= 0));
        FUZZ_CHECK(media.direction() == (sending ? "sendonly" : "inactive"));
        if (pt >= 0) FUZZ_CHECK(media.formats == std::vector<std::string>{std::to_string(pt)});
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto offer = parse_sdp(text);
    if (!offer) return 0;
    FUZZ_CHECK(size <= kParseableBytes && text.rfind("v=0", 0) == 0);
    check_accounts_for_text(text, *offer);
    check_reparses(*offer);
    for (const SdpMedia& media : offer->media) check_accessors(media);

    for (const CodecPreferences& room : kRooms) {
        const PublisherNegotiation negotiation = negotiate_publisher(*offer, room, 1234);
        check_answer(*offer, room, negotiation);
        check_reparses(negotiation.answer);

        // Subscribe to every negotiated stream, the last one as a feed that left.
        std::vector<SubscribedMedia> subscribed;
        for (const auto& stream : negotiation.streams)
            subscribed.push_back({"s" + std::to_string(subscribed.size()), stream, true});
        if (!subscribed.empty()) subscribed.back().active = false;
        const Sdp subscriber_offer = build_subscriber_offer(subscribed, 5678, 2);
        check_subscriber_offer(subscribed, subscriber_offer);
        check_reparses(subscriber_offer);
    }
    return 0;
}
