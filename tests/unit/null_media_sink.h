// A MediaSink for tests that only watch the recorder or the talk detector:
// relays and keyframe requests go nowhere, talking changes are kept.
#pragma once

#include <string>
#include <vector>

#include "core/media_sink.h"

namespace swiftcall::test {

class NullMediaSink : public core::MediaSink {
  public:
    void relay_rtp(room::SessionHandle, int, bool, uint8_t*, size_t, const void*) override {}
    void request_keyframe(room::SessionHandle, int) override {}
    void simulcast_changed(room::SessionHandle, const std::string&, int, int) override {}
    void talking_changed(const room::Publisher&, const room::PublisherStream&, bool talking,
                         double) override {
        talking_events.push_back(talking);
    }
    std::vector<bool> talking_events;
};

}  // namespace swiftcall::test
