// A .mjr file written by Janus's own recorder (record.h), which janus-pp-rec
// turns into a playable file. The recorder's functions are looked up in the
// running core (dlsym), as the bridge does with its symbols: a core without
// them refuses recording with a reason instead of failing to load the plugin.
#pragma once

#include <memory>
#include <string>

#include "media/stream_recorder.h"

namespace swiftcall::core {

// nullptr with *why set when the file cannot be opened.
std::unique_ptr<media::RecordingFile> open_janus_recording(
    const std::string& dir, const std::string& codec, const std::string& fmtp,
    const std::string& name, const std::string& description, std::string* why);

// Why recordings cannot be written into dir ("" when they can): the folder
// is made if missing (as Janus's recorder does), then must be writable.
std::string recording_dir_problem(const std::string& dir);

}  // namespace swiftcall::core
