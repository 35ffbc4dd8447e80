// Recording, as the stock VideoRoom does it: room `record` / `rec_dir` /
// `lock_record`, a publisher's `record` and `filename` (join, configure,
// publish), and the `enable_recording` request. Each publisher stream gets
// a media::StreamRecorder writing a .mjr through Janus's recorder; the
// fan-out feeds it the plaintext it already has, so recording changes no
// leg's path (sealed legs stay sealed).
//
// Locks: Publisher::recording_lock, then the room mutex (settings()), then
// PublisherStream::lock. A recorder is closed outside the stream lock.
#include "api/api_error.h"
#include "api/field_validator.h"
#include "api/secret_check.h"
#include "core/clock.h"
#include "core/janus_recording_file.h"
#include "core/plugin.h"
#include "room/recording_name.h"

extern "C" {
#include <debug.h>
}

namespace swiftcall::core {

using api::ApiError;
using api::ErrorCode;
using api::FieldType;
using api::Json;

void Plugin::start_recording_locked(room::Room& room, room::Publisher& publisher,
                                    bool ask_keyframe) {
    const auto settings = room.settings();
    auto streams = publisher.streams_snapshot();
    if (!streams) return;
    const int64_t now = realtime_us();
    for (const auto& s : *streams) {
        if (s->media.disabled || s->media.kind == room::MediaKind::data) continue;
        uint32_t lowest_ssrc = 0;
        {
            std::lock_guard guard(s->lock);
            if (s->recorder) continue;
            lowest_ssrc = s->ssrcs[0];
        }
        const std::string codec = room::recorder_codec(s->media.kind, s->media.codec);
        if (codec.empty()) {
            JANUS_LOG(LOG_WARN,
                      "[SwiftCall] publisher %" PRIu64
                      " mid=%s not recorded: Janus's recorder "
                      "takes no %s\n",
                      publisher.id, s->media.mid.c_str(), s->media.codec.c_str());
            continue;
        }
        const std::string name = room::recording_name(
            publisher.recording_base, room.id(), publisher.id, now, s->media.kind, s->media.mindex);
        std::string why;
        auto file = open_janus_recording(settings.rec_dir, codec, s->media.fmtp, name,
                                         s->media.description, &why);
        if (!file) {
            JANUS_LOG(LOG_ERR, "[SwiftCall] publisher %" PRIu64 " mid=%s not recorded: %s\n",
                      publisher.id, s->media.mid.c_str(), why.c_str());
            continue;
        }
        std::optional<media::StreamRecorder::Simulcast> simulcast;
        if (s->simulcast) {
            // One SSRC for the whole file (stock: the lowest substream's);
            // a rid-only publisher may not have shown it yet.
            simulcast = media::StreamRecorder::Simulcast{
                lowest_ssrc ? lowest_ssrc : static_cast<uint32_t>(publisher.id),
                s->media.clock_rate ? s->media.clock_rate : 90000};
        }
        JANUS_LOG(LOG_INFO, "[SwiftCall] recording publisher %" PRIu64 " mid=%s (%s%s) to %s\n",
                  publisher.id, s->media.mid.c_str(), codec.c_str(),
                  simulcast ? ", simulcast: best substream" : "", file->path().c_str());
        auto recorder = std::make_unique<media::StreamRecorder>(std::move(file), simulcast);
        {
            std::lock_guard guard(s->lock);
            s->recorder = std::move(recorder);
        }
        // Started mid-stream: the file must begin with a keyframe (stock
        // sends a PLI too).
        if (ask_keyframe && s->media.kind == room::MediaKind::video)
            fanout_->request_keyframe(publisher, *s, monotonic_us(), true);
    }
}

void Plugin::stop_recording_locked(room::Publisher& publisher) {
    auto streams = publisher.streams_snapshot();
    if (!streams) return;
    for (const auto& s : *streams) {
        std::unique_ptr<media::StreamRecorder> closing;
        {
            std::lock_guard guard(s->lock);
            closing = std::move(s->recorder);
        }
        // Destroyed here, outside the stream lock: closes the file.
    }
}

void Plugin::set_recording_locked(room::Room& room, room::Publisher& publisher, bool active,
                                  bool media_up) {
    const bool was = publisher.recording_active;
    publisher.recording_active = active;
    if (active == was) return;
    if (!active)
        stop_recording_locked(publisher);
    else if (media_up)
        start_recording_locked(room, publisher, true);
}

void Plugin::apply_record_fields(const std::shared_ptr<room::Room>& room,
                                 room::Publisher& publisher, bool media_up, const json_t* body) {
    const auto record = api::bool_field(body, "record");
    const auto filename = api::string_field(body, "filename");
    if (!record && !filename) return;
    const auto settings = room->settings();
    if (settings.lock_record && !settings.secret.empty()) {
        try {
            api::check_secret(settings.secret, body, "secret");
        } catch (const ApiError&) {
            // Stock goes on with the rest of the request and leaves the
            // recording as it was; we say so.
            JANUS_LOG(LOG_WARN,
                      "[SwiftCall] room %" PRIu64
                      " locks recording: publisher %s"
                      "'s record/filename ignored without the room secret\n",
                      room->id(),
                      publisher.id ? std::to_string(publisher.id).c_str() : "(joining)");
            return;
        }
    }
    if (filename && (filename->empty() || filename->size() > api::kMaxStringField ||
                     filename->find("..") != std::string::npos))
        throw ApiError(ErrorCode::invalid_element,
                       "Invalid element (filename: empty, too long or with '..')");
    if (record.value_or(false)) {
        if (auto problem = recording_dir_problem(settings.rec_dir); !problem.empty())
            throw ApiError(ErrorCode::unknown, "Can't record: " + problem);
    }
    std::lock_guard guard(publisher.recording_lock);
    if (filename) publisher.recording_base = *filename;
    if (record) set_recording_locked(*room, publisher, *record, media_up);
}

void Plugin::publisher_media_up_recording(room::Room& room, room::Publisher& publisher) {
    std::lock_guard guard(publisher.recording_lock);
    if (!room.settings().record && !publisher.recording_active) return;
    publisher.recording_active = true;
    start_recording_locked(room, publisher, false);
}

void Plugin::publisher_streams_replaced_recording(room::Room& room, room::Publisher& publisher,
                                                  bool media_up) {
    std::lock_guard guard(publisher.recording_lock);
    if (publisher.recording_active && media_up) start_recording_locked(room, publisher, true);
}

void Plugin::publisher_down_recording(room::Publisher& publisher) {
    std::lock_guard guard(publisher.recording_lock);
    stop_recording_locked(publisher);
    publisher.recording_base.clear();  // as stock's hangup
}

Json Plugin::room_enable_recording(const json_t* body) {
    api::validate_fields(body, {{"record", FieldType::boolean, true}});
    auto room = room_for(body, true);
    const bool record = *api::bool_field(body, "record");
    if (record) {
        if (auto problem = recording_dir_problem(room->settings().rec_dir); !problem.empty())
            throw ApiError(ErrorCode::unknown, "Can't record: " + problem);
    }
    bool changed = false;
    room->update_settings([&](room::RoomSettings& s) {
        changed = s.record != record;
        s.record = record;
    });
    if (changed) {
        for (const auto& p : room->publishers()) {
            std::lock_guard guard(p->recording_lock);
            set_recording_locked(*room, *p, record, feed_started(*p));
        }
    }
    JANUS_LOG(LOG_INFO, "[SwiftCall] room %" PRIu64 ": recording %s\n", room->id(),
              record ? "on" : "off");
    Json response = Json::object();
    response.set("videoroom", "success").set_bool("record", record);
    return response;
}

}  // namespace swiftcall::core
