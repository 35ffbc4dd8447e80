#include "core/janus_recording_file.h"

#include <dlfcn.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

extern "C" {
#include <debug.h>
#include <record.h>
}

namespace swiftcall::core {
namespace {

struct RecorderSymbols {
    decltype(&janus_recorder_create_full) create_full = nullptr;
    decltype(&janus_recorder_description) description = nullptr;
    decltype(&janus_recorder_save_frame) save_frame = nullptr;
    decltype(&janus_recorder_close) close = nullptr;
    decltype(&janus_recorder_destroy) destroy = nullptr;
    bool complete() const { return create_full && description && save_frame && close && destroy; }
};

template <typename F>
void lookup(F& out, const char* name) {
    out = reinterpret_cast<F>(dlsym(RTLD_DEFAULT, name));
}

const RecorderSymbols& symbols() {
    static const RecorderSymbols s = [] {
        RecorderSymbols r;
        lookup(r.create_full, "janus_recorder_create_full");
        lookup(r.description, "janus_recorder_description");
        lookup(r.save_frame, "janus_recorder_save_frame");
        lookup(r.close, "janus_recorder_close");
        lookup(r.destroy, "janus_recorder_destroy");
        return r;
    }();
    return s;
}

class JanusRecordingFile : public media::RecordingFile {
  public:
    JanusRecordingFile(janus_recorder* rc, std::string path) : rc_(rc), path_(std::move(path)) {}
    ~JanusRecordingFile() override {
        symbols().close(rc_);
        symbols().destroy(rc_);
        JANUS_LOG(LOG_INFO, "[SwiftCall] closed recording %s (%llu packets)\n", path_.c_str(),
                  static_cast<unsigned long long>(packets_));
    }
    bool save(std::span<uint8_t> rtp) override {
        // The recorder renumbers the header in place while it writes: rtp is
        // StreamRecorder's copy, never the fan-out's packet.
        if (symbols().save_frame(rc_, reinterpret_cast<char*>(rtp.data()),
                                 static_cast<uint>(rtp.size())) < 0) {
            JANUS_LOG(LOG_ERR,
                      "[SwiftCall] recording %s stopped after %llu packets: the recorder could "
                      "not write (disk full?); forwarding goes on\n",
                      path_.c_str(), static_cast<unsigned long long>(packets_));
            return false;
        }
        packets_++;
        return true;
    }
    const std::string& path() const override { return path_; }

  private:
    janus_recorder* rc_;
    std::string path_;
    unsigned long long packets_ = 0;
};

}  // namespace

std::string recording_dir_problem(const std::string& dir) {
    const std::string folder = dir.empty() ? "." : dir;
    std::error_code ec;
    std::filesystem::create_directories(folder, ec);
    if (ec) return "cannot create recording folder " + folder + ": " + ec.message();
    if (access(folder.c_str(), W_OK | X_OK) != 0)
        return "recording folder " + folder + " is not writable: " + std::strerror(errno);
    return "";
}

std::unique_ptr<media::RecordingFile> open_janus_recording(
    const std::string& dir, const std::string& codec, const std::string& fmtp,
    const std::string& name, const std::string& description, std::string* why) {
    const auto& s = symbols();
    if (!s.complete()) {
        *why = "the running Janus core exports no recorder (janus_recorder_*)";
        return nullptr;
    }
    if (auto problem = recording_dir_problem(dir); !problem.empty()) {
        *why = problem;
        return nullptr;
    }
    janus_recorder* rc = s.create_full(dir.empty() ? nullptr : dir.c_str(), codec.c_str(),
                                       fmtp.empty() ? nullptr : fmtp.c_str(), name.c_str());
    if (rc == nullptr) {
        *why = "Janus's recorder could not open " + name + ".mjr (see the log above)";
        return nullptr;
    }
    if (!description.empty()) s.description(rc, description.c_str());
    const std::string path = (dir.empty() ? std::string(".") : dir) + "/" + name + ".mjr";
    return std::make_unique<JanusRecordingFile>(rc, path);
}

}  // namespace swiftcall::core
