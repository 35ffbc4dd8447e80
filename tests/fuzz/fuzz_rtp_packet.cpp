// RtpPacketView::parse, extension() and looks_like_rtcp() on arbitrary bytes,
// checked against a straightforward re-reading of RFC 3550 §5.1 / RFC 8285
// written here independently: the forwarders trust a parsed view to index
// the packet without further checks, so a view that accepts a packet the
// RFC layout does not fit, or reports a field the bytes do not hold, is a bug
// even when nothing crashes.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "fuzz_check.h"
#include "media/rtp_packet.h"

using swiftcall::media::RtpPacketView;

namespace {

struct Element {
    int id;
    size_t offset;  // from the start of the packet
    size_t length;
};

// Every element of the extension block, in order, up to the first one the
// RFC says ends parsing (one-byte id 15) or one that overruns the block.
std::vector<Element> reference_elements(const uint8_t* data, size_t begin, size_t end,
                                        bool one_byte) {
    std::vector<Element> out;
    size_t i = begin;
    while (i < end) {
        if (data[i] == 0) {  // padding byte (RFC 8285 §4.2/§4.3)
            i++;
            continue;
        }
        Element e{};
        if (one_byte) {
            e.id = data[i] >> 4;
            e.length = (data[i] & 0x0F) + 1u;
            if (e.id == 15) break;
            i += 1;
        } else {
            if (end - i < 2) break;
            e.id = data[i];
            e.length = data[i + 1];
            i += 2;
        }
        if (e.length > end - i) break;
        e.offset = i;
        out.push_back(e);
        i += e.length;
    }
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::span<const uint8_t> packet(data, size);

    const bool rtcp_expected = size >= 2 && (data[0] >> 6) == 2 && data[1] >= 192 && data[1] <= 223;
    FUZZ_CHECK(swiftcall::media::looks_like_rtcp(packet) == rtcp_expected);

    // The layout the RFC gives, computed without the parser's early returns.
    bool fits = size >= 12 && (data[0] >> 6) == 2;
    size_t header = fits ? 12 + 4 * static_cast<size_t>(data[0] & 0x0F) : 0;
    fits = fits && header <= size;
    const bool has_extension = fits && (data[0] & 0x10);
    size_t ext_begin = 0, ext_size = 0;
    uint16_t profile = 0;
    if (has_extension) {
        fits = header + 4 <= size;
        if (fits) {
            profile = static_cast<uint16_t>(data[header] << 8 | data[header + 1]);
            ext_size = 4 * static_cast<size_t>(data[header + 2] << 8 | data[header + 3]);
            ext_begin = header + 4;
            header = ext_begin + ext_size;
            fits = header <= size;
        }
    }
    size_t padding = 0;
    if (fits && (data[0] & 0x20)) {
        // RFC 3550 §5.1: the last octet counts the padding, itself included.
        padding = size > header ? data[size - 1] : 0;
        fits = padding != 0 && header + padding <= size;
    }

    const std::optional<RtpPacketView> view = RtpPacketView::parse(packet);
    FUZZ_CHECK(view.has_value() == fits);
    if (!view) return 0;
    FUZZ_CHECK(view->payload_type == (data[1] & 0x7F));
    FUZZ_CHECK(view->marker == ((data[1] & 0x80) != 0));
    FUZZ_CHECK(view->sequence == (data[2] << 8 | data[3]));
    FUZZ_CHECK(view->timestamp == swiftcall::media::read_u32(data + 4));
    FUZZ_CHECK(view->ssrc == swiftcall::media::read_u32(data + 8));
    FUZZ_CHECK(view->header_size == header);
    FUZZ_CHECK(view->payload_size == size - header - padding);
    FUZZ_CHECK(view->header_size + view->payload_size <= size);
    FUZZ_CHECK(view->extension_offset == ext_begin);
    FUZZ_CHECK(view->extension_size == ext_size);
    FUZZ_CHECK(view->extension_profile == profile);
    FUZZ_CHECK(view->extension_offset + view->extension_size <= view->header_size);

    const bool one_byte = profile == 0xBEDE;
    const bool two_byte = (profile & 0xFFF0) == 0x1000;
    std::vector<Element> elements;
    if (has_extension && (one_byte || two_byte))
        elements = reference_elements(data, ext_begin, ext_begin + ext_size, one_byte);
    // Ids outside 1..255 included: they must never match anything. An
    // element after the first malformed one is unreachable: the reference
    // list stops there, as the RFC stops parsing.
    for (int id = -1; id <= 256; id++) {
        std::optional<Element> expected;
        for (const Element& e : elements) {
            // Id 0 is reserved (RFC 8285 §4.2/§4.3): such an element is
            // stepped over, never handed out.
            if (e.id != 0 && e.id == id) {
                expected = e;
                break;
            }
        }
        const auto value = view->extension(packet, id);
        FUZZ_CHECK(value.has_value() == expected.has_value());
        if (!value) continue;
        FUZZ_CHECK(id >= 1 && id <= (one_byte ? 14 : 255));
        FUZZ_CHECK(value->data() == data + expected->offset);
        FUZZ_CHECK(value->size() == expected->length);
        FUZZ_CHECK(value->data() + value->size() <= data + ext_begin + ext_size);
    }
    return 0;
}
