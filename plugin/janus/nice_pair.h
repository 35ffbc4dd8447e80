// libnice candidates -> plain SelectedPair.
#pragma once

#include <optional>
#include <string>

#include "internals.h"
#include "leg_transport.h"

namespace swiftcall::janus::internal {

SelectedPair pair_from_candidates(const NiceCandidate* local, const NiceCandidate* remote);

// The selected pair of the handle's PeerConnection; call with h->mutex held.
std::optional<SelectedPair> selected_pair_locked(janus_ice_handle* h, std::string* why_not);

}  // namespace swiftcall::janus::internal
