#include "media/h264_nal.h"

namespace swiftcall::media {
namespace {
constexpr uint8_t kIdr = 5, kSps = 7, kStapA = 24, kFuA = 28;
bool is_key_nal(uint8_t type) { return type == kIdr || type == kSps; }
}  // namespace

bool h264_is_keyframe(std::span<const uint8_t> payload) {
    if (payload.empty()) return false;
    const uint8_t type = payload[0] & 0x1F;
    if (is_key_nal(type)) return true;
    if (type == kFuA) {
        if (payload.size() < 2) return false;
        const bool start = payload[1] & 0x80;
        return start && is_key_nal(payload[1] & 0x1F);
    }
    if (type == kStapA) {
        size_t i = 1;
        while (i + 2 < payload.size()) {
            const size_t size = static_cast<size_t>(payload[i] << 8 | payload[i + 1]);
            i += 2;
            if (size == 0 || i + size > payload.size()) return false;
            if (is_key_nal(payload[i] & 0x1F)) return true;
            i += size;
        }
    }
    return false;
}

}  // namespace swiftcall::media
