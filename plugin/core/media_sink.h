// Where forwarded media goes. The Janus glue implements it with the gateway
// callbacks; tests implement it with a recorder.
#pragma once

#include <cstddef>
#include <cstdint>

#include "room/participants.h"

namespace swiftcall::core {

class MediaSink {
public:
    virtual ~MediaSink() = default;
    // `extensions` is the publisher packet's parsed extension values, passed
    // through untouched (opaque here: it is a Janus type).
    virtual void relay_rtp(room::SessionHandle subscriber, int mindex, bool video, uint8_t* data,
                           size_t length, const void* extensions) = 0;
    virtual void request_keyframe(room::SessionHandle publisher, int mindex) = 0;
    virtual void simulcast_changed(room::SessionHandle subscriber, const std::string& mid,
                                   int substream, int temporal) = 0;
    // A publisher's audio stream started or stopped talking (room
    // audiolevel_event). Called on the media thread with no lock held.
    virtual void talking_changed(const room::Publisher& publisher,
                                 const room::PublisherStream& stream, bool talking,
                                 double average_dbov) = 0;
};

}  // namespace swiftcall::core
