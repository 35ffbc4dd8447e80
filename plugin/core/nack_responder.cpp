#include "core/nack_responder.h"

#include "datapath/leg_rewrite.h"
#include "fanout/sealed_leg.h"
#include "janus/janus_bridge.h"
#include "media/srtp_index.h"

extern "C" {
#include <debug.h>
}

namespace swiftcall::core {
namespace {

// One NACK answer (SRTP already protected) on the leg's selected ICE pair.
bool send_answer(janus_plugin_session* handle, const std::optional<std::vector<uint8_t>>& srtp) {
    std::string why;
    if (srtp && janus::send_on_selected_pair(handle, srtp->data(), srtp->size(), &why)) return true;
    if (!why.empty()) JANUS_LOG(LOG_VERB, "[SwiftCall] NACK answer not sent: %s\n", why.c_str());
    return false;
}

size_t book(room::SubscriberStream& stream, size_t sent, size_t failed) {
    std::lock_guard sg(stream.lock);
    stream.kernel.nacks_answered += sent;
    stream.kernel.nacks_unanswered += failed;
    return sent;
}

}  // namespace

size_t NackResponder::answer(janus_plugin_session* handle, room::Subscriber& subscriber,
                             const std::vector<media::NackRequest>& nacks, int64_t now_us) {
    size_t sent = 0;
    for (const auto& request : nacks) {
        std::shared_ptr<room::SubscriberStream> stream;
        {
            std::lock_guard guard(subscriber.lock);
            for (const auto& s : subscriber.streams) {
                std::lock_guard sg(s->lock);
                if (s->kernel.serving && s->kernel.out_ssrc == request.media_ssrc) stream = s;
            }
        }
        if (stream) sent += answer_stream(handle, *stream, request.sequences, now_us);
    }
    return sent;
}

size_t NackResponder::answer_stream(janus_plugin_session* handle, room::SubscriberStream& stream,
                                    const std::vector<uint16_t>& sequences, int64_t now_us) {
    // 1. Which packets, under the stream's lock: the leg's numbering maps
    //    each NACKed out sequence number back to a publisher in-index.
    std::shared_ptr<room::PublisherStream> source;
    // The serving leg, held so that its key and numbering outlive a removal
    // while the answers are built (no lock of the mirror: this is a media
    // thread's RTCP path).
    std::shared_ptr<fanout::SealedLeg> leg;
    std::shared_ptr<fanout::SealedLeg> rewritten;  // a leg that keeps what it sealed
    std::vector<uint64_t> wanted;
    {
        std::lock_guard sg(stream.lock);
        auto& k = stream.kernel;
        if (!k.serving || !stream.sealed || !stream.out_index.started()) return 0;
        leg = stream.sealed;
        source = stream.source.lock();
        if (!source) return 0;
        if (now_us - k.nack_budget_start_us >= 1000000) {
            k.nack_budget_start_us = now_us;
            k.nack_budget_used = 0;
        }
        if (leg->numbering() == fanout::SealedLeg::Numbering::rewritten) rewritten = leg;
        for (uint16_t seq : sequences) {
            const uint64_t out = media::estimate_srtp_index(stream.out_index.highest(), seq);
            if (rewritten) {
                // Its own sealed packets, by out index: nothing to map back.
                if (k.nack_budget_used >= kBudgetPerSecond) {
                    k.nacks_unanswered++;
                    continue;
                }
                k.nack_budget_used++;
                wanted.push_back(out);
                continue;
            }
            const uint64_t in = (out - k.index_delta) & media::kSrtpIndexMask;
            // Only this serving period: its index delta is the one above.
            const bool kernel_period =
                k.first_index != room::KernelLegState::kNone && in >= k.first_index;
            if (!kernel_period || k.nack_budget_used >= kBudgetPerSecond) {
                k.nacks_unanswered++;
                continue;
            }
            k.nack_budget_used++;
            wanted.push_back(in);
        }
    }
    if (rewritten) return resend_sealed(handle, stream, *rewritten, wanted);
    // 2. The publisher packets, under the publisher stream's lock (never
    //    together with the subscriber's: the fan-out takes them the other way).
    std::vector<std::pair<uint64_t, std::vector<uint8_t>>> packets;
    std::vector<uint64_t> missing;
    {
        std::lock_guard pg(source->lock);
        for (uint64_t in : wanted) {
            std::vector<uint8_t> plain;
            if (source->history && source->history->copy(in, plain))
                packets.emplace_back(in, std::move(plain));
            else
                missing.push_back(in);
        }
    }
    // 3. Rebuilt byte for byte as the leg sealed them (every packet of the
    //    serving period went through the leg), sent on its selected pair.
    size_t sent = 0, failed = missing.size();
    for (const auto& [in, plain] : packets) {
        // A leg removed meanwhile (its subscriber left) gets nothing more.
        if (leg->removed.load(std::memory_order_acquire)) {
            failed++;
            continue;
        }
        auto srtp = datapath::protect_for_leg(plain, in, leg->params());
        if (send_answer(handle, srtp))
            sent++;
        else
            failed++;
    }
    return book(stream, sent, failed);
}

// A rewritten (simulcast) leg's answers: the very bytes it sealed at each
// out index, while the leg still keeps them.
size_t NackResponder::resend_sealed(janus_plugin_session* handle, room::SubscriberStream& stream,
                                    const fanout::SealedLeg& leg,
                                    const std::vector<uint64_t>& out_indexes) {
    size_t sent = 0, failed = 0;
    for (uint64_t out : out_indexes) {
        auto srtp = leg.sent_packet(out);
        if (send_answer(handle, srtp))
            sent++;
        else
            failed++;
    }
    return book(stream, sent, failed);
}

}  // namespace swiftcall::core
