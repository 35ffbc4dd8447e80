#include "fanout/rtp_forwarder.h"

#include "fanout/sealed_leg.h"
#include "media/rtp_packet.h"

namespace swiftcall::fanout {

RtpForwarder::~RtpForwarder() {
    // A batch may still hold the kernel leg's frame: the sender drops it.
    if (sealed) sealed->removed.store(true, std::memory_order_release);
}

uint64_t RtpForwarder::label(std::span<uint8_t> rtp) {
    if (target_.pt) rtp[1] = static_cast<uint8_t>((rtp[1] & 0x80) | (target_.pt & 0x7f));
    if (target_.ssrc) media::write_u32(rtp.data() + 8, target_.ssrc);
    return index_.update(media::read_u16(rtp.data() + 2));
}

}  // namespace swiftcall::fanout
