// Keystreams precomputed in user space with OpenSSL (AES-NI): exactly the
// bytes the program's AES would produce for (leg key, SSRC, SRTP index), so
// the program only XORs (see sc_keystream in swiftcall_abi.h).
#pragma once

#include <openssl/evp.h>

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "datapath/srtp_keys.h"

namespace swiftcall::datapath {

class KeystreamMaker {
  public:
    explicit KeystreamMaker(const SrtpMaster& m);
    // Fills out.index/len/ej0/ks for one packet index: `len` keystream
    // bytes, rounded up to whole blocks and capped at SC_KS_BYTES (not
    // owner/seq, which the slot writer sets). Not thread-safe:
    // it reuses one cipher context (callers serialise refills anyway).
    void fill(uint32_t ssrc, uint64_t index, sc_keystream& out, uint32_t len = SC_KS_BYTES);

  private:
    SrtpProfileInfo info_;
    std::vector<uint8_t> salt_;  // session salt (14 or 12 bytes)
    // AES-ECB, keyed once, over counter blocks the maker writes itself.
    // OpenSSL 3 fetches the cipher, takes locks and schedules the key on
    // every EVP_EncryptInit_ex with a cipher, which cost Janus more than the
    // AES itself when done per packet per leg (fan-out bench profile); even
    // an IV-only re-init of a CTR context goes through the provider's
    // parameter calls. ECB needs no init per packet: 460 instead of 740 ns
    // per 1.1 KB keystream written to a cold ring slot (200 legs).
    std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx_;
    // The counter blocks of one fill (E(K, J0) first for GCM).
    alignas(64) std::array<uint8_t, 16 + SC_KS_BYTES> counters_{};
};

}  // namespace swiftcall::datapath
