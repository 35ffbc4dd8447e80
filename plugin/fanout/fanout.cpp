#include "fanout/fanout.h"

#include <cstring>
#include <optional>
#include <string>

#include "core/clock.h"
#include "fanout/rtp_forwarder.h"
#include "media/h264_nal.h"
#include "media/rtp_packet.h"
#include "media/vp8_descriptor.h"

namespace swiftcall::fanout {

using media::RtpPacketView;

void Fanout::request_keyframe(const room::Publisher& publisher, room::PublisherStream& stream,
                              int64_t now_us, bool force) {
    {
        std::lock_guard guard(stream.lock);
        if (!force && now_us - stream.last_keyframe_request_us < kKeyframeRequestGapUs) return;
        stream.last_keyframe_request_us = now_us;
    }
    sink_.request_keyframe(publisher.session, stream.media.mindex);
}

// The sealed transmitter sent this packet to the leg: Janus does not relay it,
// and the leg's Sender Reports map its RTP timestamp to now (wallclock_us is
// read once per publisher packet). Caller holds the leg's lock.
void Fanout::note_kernel_served(room::KernelLegState& k, uint32_t out_ts, int64_t& wallclock_us) {
    k.skipped_for_kernel++;
    counters_.kernel_served++;
    if (!wallclock_us) wallclock_us = core::realtime_us();
    k.sr_rtp_ts = out_ts;
    k.sr_wallclock_us = wallclock_us;
}

// Caller holds stream.lock.
int Fanout::substream_of(room::PublisherStream& stream, std::span<const uint8_t> packet,
                         uint32_t ssrc, size_t) {
    for (int i = 0; i < 3; i++)
        if (stream.ssrcs[i] == ssrc) return i;
    if (stream.rid_extension_id <= 0) return -1;
    auto view = RtpPacketView::parse(packet);
    if (!view) return -1;
    auto rid = view->extension(packet, stream.rid_extension_id);
    if (!rid) return -1;
    const std::string value(reinterpret_cast<const char*>(rid->data()), rid->size());
    for (int i = 0; i < 3; i++) {
        if (!stream.rids[i].empty() && stream.rids[i] == value) {
            stream.ssrcs[i] = ssrc;
            return i;
        }
    }
    return -1;
}

template <typename Batch>
void Fanout::forward_to_targets(room::PublisherStream& stream, std::span<const uint8_t> packet,
                                int substream, Batch&& sealed_batch) {
    uint8_t buffer[kMaxPacket];
    for (const auto& target : stream.forwarders) {
        // As stock: a target takes one substream of a simulcast stream.
        if (stream.simulcast && target->target().substream != substream) continue;
        std::memcpy(buffer, packet.data(), packet.size());
        const std::span<uint8_t> rtp(buffer, packet.size());
        const uint64_t index = target->label(rtp);
        counters_.rtp_forwarded++;
        if (sealed_ && target->sealed && sealed_batch().add_rewritten(target->sealed, rtp, index)) {
            target->kernel_packets.fetch_add(1, std::memory_order_relaxed);
            continue;
        }
        target->send(rtp, index);
    }
}

void Fanout::forward(const room::Publisher& publisher, room::PublisherStream& stream,
                     std::span<const uint8_t> packet, const void* extensions, int64_t now_us) {
    auto view = RtpPacketView::parse(packet);
    if (!view) {
        counters_.malformed++;
        return;
    }
    if (packet.size() > kMaxPacket) {
        counters_.oversized++;
        return;
    }
    const room::MediaDescription& media = stream.media;
    const bool video = media.kind == room::MediaKind::video;
    std::span<const uint8_t> payload = packet.subspan(view->header_size, view->payload_size);

    bool keyframe = false;
    std::optional<media::Vp8Descriptor> vp8;
    if (video && media.codec == "vp8") {
        vp8 = media::Vp8Descriptor::parse(payload);
        keyframe = vp8 && vp8->keyframe;
    } else if (video && media.codec == "h264") {
        keyframe = media::h264_is_keyframe(payload);
    }

    // Talk detection reads the audio level before the stream lock: its
    // event goes to the room, whose locks rank above the stream's.
    if (stream.talk && !stream.muted) {
        if (auto change = stream.talk->observe(packet, *view))
            sink_.talking_changed(publisher, stream, change->talking, change->average_dbov);
    }

    bool want_keyframe = false;
    std::lock_guard guard(stream.lock);
    stream.packets_in++;
    stream.bytes_in += packet.size();
    int substream = 0;
    if (stream.simulcast) {
        substream = substream_of(stream, packet, view->ssrc, 0);
        if (substream < 0) {
            counters_.unknown_substream++;
            return;
        }
    }
    // A delta leg counts from the numbering the plugin receives: the core's
    // (janus_rtp_header_update), one SSRC and continuous across the
    // publisher's SSRC changes, so the leg's index offset, its NACK rebuilds
    // (history) and the user path's rewriter all start from the same packet.
    const bool track_index = !stream.simulcast;
    const uint64_t in_index = track_index ? stream.in_index.update(view->sequence) : 0;
    int64_t wallclock_us = 0;  // for Sender Reports of kernel legs, read once
    uint8_t buffer[kMaxPacket];
    if (track_index && video && stream.kernel_publisher_id != 0) {
        if (!stream.history) stream.history = std::make_unique<media::PacketHistory>();
        stream.history->store(in_index, packet);
    }
    // Muted by a moderator: the numbering above still follows the stream
    // (the index space must not lose the ROC), but no subscriber gets it.
    if (stream.muted) {
        counters_.moderated++;
        return;
    }
    // Recorded from the plaintext the plugin already has: no leg's path
    // changes for it.
    if (stream.recorder) {
        auto recorded = stream.recorder->take(packet, substream, keyframe,
                                              vp8 ? vp8->temporal_id : std::nullopt,
                                              vp8 && vp8->layer_sync, now_us);
        want_keyframe |= recorded.need_keyframe;
        if (recorded.saved) counters_.recorded++;
    }
    // This packet's sealed batch, opened for its first sealed leg.
    bool sealed_batch = false;
    auto sealed_sender = [&]() -> SealedLegSender& {
        if (!sealed_batch) {
            sealed_->begin(stream.subscribers.size() + stream.forwarders.size());
            sealed_batch = true;
        }
        return *sealed_;
    };
    if (!stream.forwarders.empty()) forward_to_targets(stream, packet, substream, sealed_sender);
    for (const auto& sub : stream.subscribers) {
        std::lock_guard sub_guard(sub->lock);
        if (!sub->active || !sub->send || sub->paused) continue;
        bool source_changed = false;
        if (stream.simulcast) {
            auto decision =
                sub->simulcast.process(substream, keyframe, vp8 ? vp8->temporal_id : std::nullopt,
                                       vp8 && vp8->layer_sync, now_us);
            want_keyframe |= decision.need_keyframe;
            if (decision.substream_changed || decision.temporal_changed)
                sink_.simulcast_changed(sub->session, sub->mid, sub->simulcast.substream(),
                                        sub->simulcast.temporal());
            if (!decision.forward) {
                sub->rewriter.skip(view->ssrc, view->sequence);
                continue;
            }
            source_changed = decision.source_changed;
        }
        if (sub->kernel.roc_handover) {
            // Back from the sealed transmitter, the core's ROC not yet set:
            // not sent, and the numbering goes on as if it never came.
            sub->rewriter.skip(view->ssrc, view->sequence);
            counters_.handover_held++;
            continue;
        }
        auto out = sub->rewriter.rewrite(view->ssrc, view->sequence, view->timestamp,
                                         media.clock_rate ? media.clock_rate : 90000, now_us);
        const uint64_t out_index = sub->out_index.update(out.sequence);
        // A simulcast leg needs no offsets, only a first packet relayed, so
        // that the core has an outbound SRTP stream for it (set_outbound_roc).
        if (stream.simulcast) sub->kernel.synced = true;
        if (track_index) {
            sub->kernel.synced = true;
            sub->kernel.last_in_index = in_index;
            sub->kernel.last_out_index = out_index;
            sub->kernel.ts_delta = out.timestamp - view->timestamp;
        }
        if (track_index && sealed_ && sub->sealed) {
            if (sealed_sender().add(sub->sealed, packet, in_index)) {
                auto& k = sub->kernel;
                // The sealed period starts here: NACKs from this index on are
                // answered with the sealed bytes (nack_responder).
                if (k.first_index == room::KernelLegState::kNone) k.first_index = in_index;
                note_kernel_served(k, out.timestamp, wallclock_us);
                continue;
            }
            counters_.sealed_declined++;
        }
        std::memcpy(buffer, packet.data(), packet.size());
        buffer[1] = static_cast<uint8_t>((buffer[1] & 0x80) | (sub->payload_type & 0x7F));
        media::write_u16(buffer + 2, out.sequence);
        media::write_u32(buffer + 4, out.timestamp);
        if (vp8 && stream.simulcast) {
            if (source_changed) sub->vp8.on_switch();
            sub->vp8.apply(std::span<uint8_t>(buffer + view->header_size, view->payload_size),
                           *vp8);
        }
        // A simulcast leg's packet is numbered by its rewriter above, so the
        // sealed leg takes it as relay_rtp would, at the leg's own index.
        if (stream.simulcast && sealed_ && sub->sealed) {
            if (sealed_sender().add_rewritten(
                    sub->sealed, std::span<const uint8_t>(buffer, packet.size()), out_index)) {
                note_kernel_served(sub->kernel, out.timestamp, wallclock_us);
                continue;
            }
            counters_.sealed_declined++;
        }
        sub->packets_out++;
        sub->bytes_out += packet.size();
        sink_.relay_rtp(sub->session, sub->mindex, video, buffer, packet.size(), extensions);
        counters_.forwarded++;
    }
    if (sealed_batch) sealed_->flush();
    if (want_keyframe && now_us - stream.last_keyframe_request_us >= kKeyframeRequestGapUs) {
        stream.last_keyframe_request_us = now_us;
        sink_.request_keyframe(publisher.session, media.mindex);
    }
}

}  // namespace swiftcall::fanout
