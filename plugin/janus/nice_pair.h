// The selected pair of a Janus handle's PeerConnection.
#pragma once

#include <optional>
#include <string>

#include "candidate_convert.h"
#include "internals.h"
#include "leg_transport.h"

namespace swiftcall::janus::internal {

// The selected pair of the handle's PeerConnection; call with h->mutex held.
std::optional<SelectedPair> selected_pair_locked(janus_ice_handle* h, std::string* why_not);

}  // namespace swiftcall::janus::internal
