// A leg as far as it could be read, with the reason it cannot be served by
// the kernel (if any), rendered as JSON for query_session and the admin API.
// Key bytes never leave this file: the JSON carries their lengths only.
#pragma once

#include <string>

#include "leg_transport.h"

namespace swiftcall::janus {

struct LegReport {
    LegTransport leg;
    bool pair_known = false;   // leg.pair is filled
    bool dtls_known = false;   // leg.profile, dtls_client and the keys are filled
    bool media_known = false;  // leg.media and leg.extension_ids are filled
    std::string why_not;       // empty: the kernel can serve this leg
};

// Why the kernel cannot serve traffic over this pair, or "" when it can: a
// local relay candidate means TURN framing on the wire and TCP a stream
// socket, neither of which the data plane writes. A remote relay candidate is
// fine: from our socket it is a plain UDP peer.
std::string pair_ineligibility(const SelectedPair& pair);

// Compact JSON text, e.g.
// {"handle_id":1,"kernel_eligible":false,"why_not":"selected pair is TURN relay","ice":{...},...}
std::string leg_report_json(const LegReport& report);

}  // namespace swiftcall::janus
