// MediaSink on top of the Janus gateway callbacks.
#pragma once

#include <functional>
#include <string>

#include "api/json.h"
#include "core/media_sink.h"

extern "C" {
#include <plugins/plugin.h>
}

namespace swiftcall::core {

class JanusMediaSink : public MediaSink {
public:
    JanusMediaSink(janus_callbacks* gateway, janus_plugin* self) : gateway_(gateway), self_(self) {}

    void relay_rtp(room::SessionHandle subscriber, int mindex, bool video, uint8_t* data,
                   size_t length, const void* extensions) override {
        janus_plugin_rtp packet;
        packet.mindex = mindex;
        packet.video = video;
        packet.buffer = reinterpret_cast<char*>(data);
        packet.length = static_cast<uint16_t>(length);
        if (extensions)
            packet.extensions = *static_cast<const janus_plugin_rtp_extensions*>(extensions);
        else
            janus_plugin_rtp_extensions_reset(&packet.extensions);
        gateway_->relay_rtp(static_cast<janus_plugin_session*>(subscriber), &packet);
    }

    void request_keyframe(room::SessionHandle publisher, int mindex) override {
        gateway_->send_pli_stream(static_cast<janus_plugin_session*>(publisher), mindex);
    }

    void simulcast_changed(room::SessionHandle subscriber, const std::string& mid, int substream,
                           int temporal) override {
        api::Json event = api::Json::object();
        event.set("videoroom", "event").set("mid", mid);
        event.set("substream", substream).set("temporal", temporal);
        gateway_->push_event(static_cast<janus_plugin_session*>(subscriber), self_, nullptr,
                             event.get(), nullptr);
    }

    void talking_changed(const room::Publisher& publisher, const room::PublisherStream& stream,
                         bool talking, double average_dbov) override {
        if (on_talking) on_talking(publisher, stream, talking, average_dbov);
    }
    // The plugin's room notification (it knows the room's participants).
    std::function<void(const room::Publisher&, const room::PublisherStream&, bool, double)>
        on_talking;

private:
    janus_callbacks* gateway_;
    janus_plugin* self_;
};

}  // namespace swiftcall::core
