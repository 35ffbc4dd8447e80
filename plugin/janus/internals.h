// Janus's internal headers, for the bridge's .cpp files only (never include
// this from a header another directory sees). The defines that shape these
// structs come from plugin/janus/CMakeLists.txt and must match Debian's build.
#pragma once

// Janus's headers include these inside our extern "C" block; C++ templates in
// glib's headers must be seen outside it first.
#include <agent.h>
#include <glib.h>
#include <jansson.h>
#include <openssl/ssl.h>
#include <srtp2/srtp.h>

extern "C" {
#include "dtls.h"
#include "ice.h"
#include "rtp.h"
}

namespace swiftcall::janus::internal {

// janus_flags_is_set() without linking to it: the flags are a gsize read atomically.
inline bool handle_flag(janus_ice_handle* h, gsize flag) {
    return (__atomic_load_n(&h->webrtc_flags, __ATOMIC_SEQ_CST) & flag) != 0;
}

}  // namespace swiftcall::janus::internal
