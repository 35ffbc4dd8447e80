// What one recorded publisher stream writes, and which of its packets: the
// stock VideoRoom's recording semantics, with the file behind an interface
// (core/janus_recording_file.h writes Janus's .mjr through its recorder).
//
// A plain stream records every packet the plugin gets, as the plugin got it.
// A simulcast video stream records its best substream (target 2, temporal 2,
// switching up only on a keyframe), renumbered into one sequence and
// timestamp space under the lowest substream's SSRC, as stock does, so the
// file plays as one stream.
//
// Not thread-safe: the fan-out calls take() under the publisher stream's
// lock, which is also what the control thread holds to swap recorders.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "media/rtp_rewriter.h"
#include "media/simulcast_selector.h"

namespace swiftcall::media {

class RecordingFile {
  public:
    virtual ~RecordingFile() = default;
    // false: the write failed (a full disk, say); the file says why in the
    // log, and nothing more is written to it. `rtp` is the recorder's own
    // copy: the file may rewrite it in place (Janus's recorder renumbers the
    // header while it writes).
    virtual bool save(std::span<uint8_t> rtp) = 0;
    virtual const std::string& path() const = 0;
};

class StreamRecorder {
  public:
    struct Simulcast {
        uint32_t ssrc = 0;  // the SSRC the whole recording carries
        uint32_t clock_rate = 90000;
    };
    StreamRecorder(std::unique_ptr<RecordingFile> file, std::optional<Simulcast> simulcast);

    struct Result {
        bool saved = false;
        bool need_keyframe = false;  // the best substream waits for one
    };
    // One publisher packet (a valid RTP header; substream 0 when not
    // simulcast). temporal_id and layer_sync as the VP8 descriptor gives them.
    Result take(std::span<const uint8_t> packet, int substream, bool keyframe,
                std::optional<uint8_t> temporal_id, bool layer_sync, int64_t now_us);

    const std::string& path() const { return file_->path(); }
    uint64_t packets() const { return packets_; }
    // A write failed: the recording stopped there.
    bool failed() const { return failed_; }

  private:
    bool save(std::span<uint8_t> packet);

    std::unique_ptr<RecordingFile> file_;
    std::optional<Simulcast> simulcast_;
    SimulcastSelector selector_;
    RtpRewriter rewriter_;
    uint64_t packets_ = 0;
    bool failed_ = false;
};

}  // namespace swiftcall::media
