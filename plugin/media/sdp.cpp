#include "media/sdp.h"

#include <charconv>
#include <cstdlib>

namespace swiftcall::media {
namespace {

// Large enough for any real offer (Chromium with 3 simulcast layers and
// many codecs is ~10 KB), small enough to bound parsing work.
constexpr size_t kMaxSdpBytes = 64 * 1024;
constexpr size_t kMaxMediaSections = 64;

std::vector<std::string_view> split(std::string_view text, char sep) {
    std::vector<std::string_view> out;
    size_t start = 0;
    while (start <= text.size()) {
        size_t end = text.find(sep, start);
        if (end == std::string_view::npos) end = text.size();
        if (end > start) out.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

SdpAttribute parse_attribute(std::string_view body) {
    SdpAttribute attr;
    size_t colon = body.find(':');
    if (colon == std::string_view::npos) {
        attr.name = std::string(body);
    } else {
        attr.name = std::string(body.substr(0, colon));
        attr.value = std::string(body.substr(colon + 1));
        attr.has_value = true;
    }
    return attr;
}

std::optional<SdpMedia> parse_media_line(std::string_view body) {
    auto parts = split(body, ' ');
    if (parts.size() < 3) return std::nullopt;
    SdpMedia media;
    media.type = std::string(parts[0]);
    std::string_view port = parts[1];
    if (size_t slash = port.find('/'); slash != std::string_view::npos) port = port.substr(0, slash);
    auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), media.port);
    if (ec != std::errc() || ptr != port.data() + port.size() || media.port < 0 ||
        media.port > 65535)
        return std::nullopt;
    media.proto = std::string(parts[2]);
    for (size_t i = 3; i < parts.size(); i++) media.formats.emplace_back(parts[i]);
    return media;
}

void append_attribute(std::string& out, const SdpAttribute& attr) {
    out += "a=" + attr.name;
    if (attr.has_value) out += ":" + attr.value;
    out += "\r\n";
}

}  // namespace

std::optional<std::string> SdpMedia::attribute(std::string_view name) const {
    for (const auto& attr : attributes)
        if (attr.name == name) return attr.value;
    return std::nullopt;
}

std::vector<std::string> SdpMedia::attributes_named(std::string_view name) const {
    std::vector<std::string> out;
    for (const auto& attr : attributes)
        if (attr.name == name) out.push_back(attr.value);
    return out;
}

std::vector<std::string> SdpMedia::for_payload(std::string_view name, int payload_type) const {
    std::vector<std::string> out;
    const std::string prefix = std::to_string(payload_type) + " ";
    for (const auto& attr : attributes)
        if (attr.name == name && attr.value.rfind(prefix, 0) == 0)
            out.push_back(attr.value.substr(prefix.size()));
    return out;
}

std::string SdpMedia::direction() const {
    for (const auto& attr : attributes)
        if (attr.name == "sendrecv" || attr.name == "sendonly" || attr.name == "recvonly" ||
            attr.name == "inactive")
            return attr.name;
    return "sendrecv";
}

std::optional<Sdp> parse_sdp(std::string_view text) {
    if (text.size() > kMaxSdpBytes || text.rfind("v=0", 0) != 0) return std::nullopt;
    Sdp sdp;
    for (std::string_view line : split(text, '\n')) {
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.empty()) continue;
        if (line.size() < 2 || line[1] != '=') return std::nullopt;
        const char kind = line[0];
        std::string_view body = line.substr(2);
        if (kind == 'm') {
            if (sdp.media.size() >= kMaxMediaSections) return std::nullopt;
            auto media = parse_media_line(body);
            if (!media) return std::nullopt;
            sdp.media.push_back(std::move(*media));
        } else if (kind == 'a') {
            auto attr = parse_attribute(body);
            if (sdp.media.empty())
                sdp.attributes.push_back(std::move(attr));
            else
                sdp.media.back().attributes.push_back(std::move(attr));
        } else if (sdp.media.empty()) {
            sdp.session_lines.emplace_back(line);
        } else {
            sdp.media.back().other_lines.emplace_back(line);
        }
    }
    return sdp;
}

std::string serialize_sdp(const Sdp& sdp) {
    std::string out;
    for (const auto& line : sdp.session_lines) out += line + "\r\n";
    for (const auto& attr : sdp.attributes) append_attribute(out, attr);
    for (const auto& media : sdp.media) {
        out += "m=" + media.type + " " + std::to_string(media.port) + " " + media.proto;
        for (const auto& format : media.formats) out += " " + format;
        out += "\r\n";
        for (const auto& line : media.other_lines) out += line + "\r\n";
        for (const auto& attr : media.attributes) append_attribute(out, attr);
    }
    return out;
}

}  // namespace swiftcall::media
