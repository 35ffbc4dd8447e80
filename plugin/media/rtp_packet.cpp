#include "media/rtp_packet.h"

namespace swiftcall::media {

std::optional<RtpPacketView> RtpPacketView::parse(std::span<const uint8_t> packet) {
    constexpr size_t kFixedHeader = 12;
    if (packet.size() < kFixedHeader) return std::nullopt;
    const uint8_t* p = packet.data();
    if ((p[0] >> 6) != 2) return std::nullopt;
    RtpPacketView view;
    const bool padding = p[0] & 0x20;
    const bool has_extension = p[0] & 0x10;
    const size_t csrc_count = p[0] & 0x0F;
    view.marker = p[1] & 0x80;
    view.payload_type = p[1] & 0x7F;
    view.sequence = read_u16(p + 2);
    view.timestamp = read_u32(p + 4);
    view.ssrc = read_u32(p + 8);
    size_t offset = kFixedHeader + 4 * csrc_count;
    if (offset > packet.size()) return std::nullopt;
    if (has_extension) {
        if (offset + 4 > packet.size()) return std::nullopt;
        view.extension_profile = read_u16(p + offset);
        const size_t words = read_u16(p + offset + 2);
        view.extension_offset = offset + 4;
        view.extension_size = 4 * words;
        offset += 4 + view.extension_size;
        if (offset > packet.size()) return std::nullopt;
    }
    view.header_size = offset;
    size_t padding_size = 0;
    if (padding) {
        if (packet.size() == offset) return std::nullopt;
        padding_size = p[packet.size() - 1];
        if (padding_size == 0 || offset + padding_size > packet.size()) return std::nullopt;
    }
    view.payload_size = packet.size() - offset - padding_size;
    return view;
}

std::optional<std::span<const uint8_t>> RtpPacketView::extension(std::span<const uint8_t> packet,
                                                                 int id) const {
    if (extension_offset == 0 || id <= 0) return std::nullopt;
    const uint8_t* p = packet.data() + extension_offset;
    const size_t size = extension_size;
    const bool one_byte = extension_profile == 0xBEDE;
    const bool two_byte = (extension_profile & 0xFFF0) == 0x1000;
    if (!one_byte && !two_byte) return std::nullopt;
    size_t i = 0;
    while (i < size) {
        if (p[i] == 0) {  // padding between elements
            i++;
            continue;
        }
        int element_id;
        size_t length;
        if (one_byte) {
            element_id = p[i] >> 4;
            length = (p[i] & 0x0F) + 1u;
            if (element_id == 15) return std::nullopt;  // RFC 8285 §4.2: stop parsing
            i += 1;
        } else {
            if (i + 2 > size) return std::nullopt;
            element_id = p[i];
            length = p[i + 1];
            i += 2;
        }
        if (i + length > size) return std::nullopt;
        if (element_id == id) return std::span<const uint8_t>(p + i, length);
        i += length;
    }
    return std::nullopt;
}

bool looks_like_rtcp(std::span<const uint8_t> packet) {
    if (packet.size() < 2 || (packet[0] >> 6) != 2) return false;
    const uint8_t type = packet[1];
    return type >= 192 && type <= 223;
}

}  // namespace swiftcall::media
