// libnice candidates -> plain SelectedPair. Needs libnice only (no Janus
// headers), so unit tests build real NiceCandidates and check the mapping.
#pragma once

#include <agent.h>

#include "leg_transport.h"

namespace swiftcall::janus {

SelectedPair pair_from_candidates(const NiceCandidate* local, const NiceCandidate* remote);

}  // namespace swiftcall::janus
