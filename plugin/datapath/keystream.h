// Keystreams precomputed in user space with OpenSSL (AES-NI): exactly the
// bytes the program's AES would produce for (leg key, SSRC, SRTP index), so
// the program only XORs (see sc_keystream in swiftcall_abi.h).
#pragma once

#include <cstdint>
#include <vector>

#include "datapath/srtp_keys.h"

namespace swiftcall::datapath {

class KeystreamMaker {
  public:
    explicit KeystreamMaker(const SrtpMaster& m);
    // Fills out.index/profile/ej0/ks for one packet index.
    void fill(uint32_t ssrc, uint64_t index, sc_keystream& out) const;

  private:
    SrtpProfileInfo info_;
    std::vector<uint8_t> key_;   // session encryption key
    std::vector<uint8_t> salt_;  // session salt (14 or 12 bytes)
};

}  // namespace swiftcall::datapath
