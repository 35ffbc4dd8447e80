// Sealer bench (issue 12, item 2): what one leg's SRTP protection costs in
// user space, per profile and packet size, for the three candidates:
//
//   evp      the product's SrtpSealer (OpenSSL 3 EVP, keyed once);
//   evp-rekey EVP keyed per packet (cipher fetched, key expanded): what
//            "keyed once" saves;
//   nettle   nettle 3.8 (Debian's fat build: AES-NI, PCLMUL GHASH, SHA-NI),
//            keyed once;
//   libsrtp  libsrtp2's srtp_protect on a long-lived stream (what Janus uses).
//
// Before timing, every candidate's output is compared with libsrtp's at the
// same index (exit 1 on any difference), so the table never compares a
// wrong implementation. Rounds interleave the candidates and the median is
// reported, since absolute numbers drift on shared VMs: read the ratios.
//
//   swiftcall_sealer_bench [--smoke] [--rounds R] [--packets P] [--legs L]
#include <nettle/aes.h>
#include <nettle/ctr.h>
#include <nettle/gcm.h>
#include <nettle/hmac.h>
#include <openssl/evp.h>
#include <srtp2/srtp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "datapath/srtp_sealer.h"
#include "srtp_peer.h"

using swiftcall::datapath::srtp_kdf;
using swiftcall::datapath::srtp_profile_info;
using swiftcall::datapath::SrtpMaster;
using swiftcall::datapath::SrtpSealer;

namespace {

constexpr uint32_t kSsrc = 0x0badcafe;
constexpr size_t kHeader = 12;

// Seals `rtp` (plaintext, seq = low 16 bits of index) at `index` into out;
// returns the sealed length, 0 on failure. (Correctness pass only.)
using SealFn = std::function<size_t(const std::vector<uint8_t>& rtp, uint64_t index, uint8_t* out)>;

std::vector<uint8_t> iv_cm(const std::vector<uint8_t>& salt, uint64_t index) {
    std::vector<uint8_t> iv(16, 0);
    std::memcpy(iv.data(), salt.data(), 14);
    for (int i = 0; i < 4; ++i) iv[4 + i] ^= uint8_t(kSsrc >> (24 - 8 * i));
    for (int i = 0; i < 6; ++i) iv[8 + i] ^= uint8_t(index >> (40 - 8 * i));
    return iv;
}

std::vector<uint8_t> iv_gcm(const std::vector<uint8_t>& salt, uint64_t index) {
    std::vector<uint8_t> iv(12, 0);
    for (int i = 0; i < 4; ++i) iv[2 + i] = uint8_t(kSsrc >> (24 - 8 * i));
    for (int i = 0; i < 4; ++i) iv[6 + i] = uint8_t(index >> (40 - 8 * i));
    iv[10] = uint8_t(index >> 8);
    iv[11] = uint8_t(index);
    for (int i = 0; i < 12; ++i) iv[i] ^= salt[i];
    return iv;
}

// nettle, keyed once: the contexts hold the key schedule, GHASH key and HMAC
// inner/outer states; hmac_sha1_digest restarts from them by itself.
struct NettleSealer {
    SrtpMaster m;
    bool gcm, aes256;
    size_t tag;
    std::vector<uint8_t> salt;
    aes128_ctx cm{};
    hmac_sha1_ctx hmac{};
    gcm_aes128_ctx g128{};
    gcm_aes256_ctx g256{};

    explicit NettleSealer(const SrtpMaster& master) : m(master) {
        const auto info = srtp_profile_info(m.profile);
        gcm = info.gcm;
        aes256 = info.master_key_len == 32;
        tag = info.tag_len;
        const auto key = srtp_kdf(m, 0, info.master_key_len);
        salt = srtp_kdf(m, 2, info.master_salt_len);
        if (!gcm) {
            aes128_set_encrypt_key(&cm, key.data());
            const auto auth = srtp_kdf(m, 1, 20);
            hmac_sha1_set_key(&hmac, auth.size(), auth.data());
        } else if (aes256) {
            gcm_aes256_set_key(&g256, key.data());
        } else {
            gcm_aes128_set_key(&g128, key.data());
        }
    }

    size_t seal(const std::vector<uint8_t>& rtp, uint64_t index, uint8_t* out) {
        const size_t plen = rtp.size() - kHeader;
        std::memcpy(out, rtp.data(), kHeader);
        if (!gcm) {
            auto ctr = iv_cm(salt, index);
            ctr_crypt(&cm, reinterpret_cast<nettle_cipher_func*>(aes128_encrypt), AES_BLOCK_SIZE,
                      ctr.data(), plen, out + kHeader, rtp.data() + kHeader);
            const uint8_t roc[4] = {uint8_t(index >> 40), uint8_t(index >> 32),
                                    uint8_t(index >> 24), uint8_t(index >> 16)};
            uint8_t mac[SHA1_DIGEST_SIZE];
            hmac_sha1_update(&hmac, rtp.size(), out);
            hmac_sha1_update(&hmac, 4, roc);
            hmac_sha1_digest(&hmac, sizeof mac, mac);
            std::memcpy(out + rtp.size(), mac, tag);
        } else {
            const auto iv = iv_gcm(salt, index);
            if (aes256) {
                gcm_aes256_set_iv(&g256, iv.size(), iv.data());
                gcm_aes256_update(&g256, kHeader, out);
                gcm_aes256_encrypt(&g256, plen, out + kHeader, rtp.data() + kHeader);
                gcm_aes256_digest(&g256, tag, out + rtp.size());
            } else {
                gcm_aes128_set_iv(&g128, iv.size(), iv.data());
                gcm_aes128_update(&g128, kHeader, out);
                gcm_aes128_encrypt(&g128, plen, out + kHeader, rtp.data() + kHeader);
                gcm_aes128_digest(&g128, tag, out + rtp.size());
            }
        }
        return rtp.size() + tag;
    }
};

// EVP as a naive caller writes it: fetch, key and (for CM) an HMAC keyed per
// packet. Cipher part only differs from the product; the tag uses EVP_Q_mac.
struct EvpRekeySealer {
    std::vector<uint8_t> key, auth, salt;
    bool gcm;
    size_t tag;
    explicit EvpRekeySealer(const SrtpMaster& m) {
        const auto info = srtp_profile_info(m.profile);
        gcm = info.gcm;
        tag = info.tag_len;
        key = srtp_kdf(m, 0, info.master_key_len);
        salt = srtp_kdf(m, 2, info.master_salt_len);
        if (!gcm) auth = srtp_kdf(m, 1, 20);
    }
    size_t seal(const std::vector<uint8_t>& rtp, uint64_t index, uint8_t* out) {
        const int plen = int(rtp.size() - kHeader);
        std::memcpy(out, rtp.data(), kHeader);
        std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> c(EVP_CIPHER_CTX_new(),
                                                                          EVP_CIPHER_CTX_free);
        int n = 0;
        if (gcm) {
            const auto iv = iv_gcm(salt, index);
            EVP_CIPHER* ci = EVP_CIPHER_fetch(
                nullptr, key.size() == 16 ? "AES-128-GCM" : "AES-256-GCM", nullptr);
            const bool ok =
                EVP_EncryptInit_ex2(c.get(), ci, key.data(), iv.data(), nullptr) == 1 &&
                EVP_EncryptUpdate(c.get(), nullptr, &n, out, int(kHeader)) == 1 &&
                EVP_EncryptUpdate(c.get(), out + kHeader, &n, rtp.data() + kHeader, plen) == 1 &&
                EVP_EncryptFinal_ex(c.get(), out + rtp.size(), &n) == 1 &&
                EVP_CIPHER_CTX_ctrl(c.get(), EVP_CTRL_GCM_GET_TAG, int(tag), out + rtp.size()) == 1;
            EVP_CIPHER_free(ci);
            return ok ? rtp.size() + tag : 0;
        }
        const auto iv = iv_cm(salt, index);
        EVP_CIPHER* ci = EVP_CIPHER_fetch(nullptr, "AES-128-CTR", nullptr);
        const bool ok =
            EVP_EncryptInit_ex2(c.get(), ci, key.data(), iv.data(), nullptr) == 1 &&
            EVP_EncryptUpdate(c.get(), out + kHeader, &n, rtp.data() + kHeader, plen) == 1;
        EVP_CIPHER_free(ci);
        if (!ok) return 0;
        std::vector<uint8_t> msg(out, out + rtp.size());
        for (int i = 0; i < 4; ++i) msg.push_back(uint8_t(index >> (40 - 8 * i)));
        uint8_t mac[20];
        size_t mac_len = 0;
        if (!EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA1", nullptr, auth.data(), auth.size(),
                       msg.data(), msg.size(), mac, sizeof mac, &mac_len))
            return 0;
        std::memcpy(out + rtp.size(), mac, tag);
        return rtp.size() + tag;
    }
};

// AES-CM only: EVP's AES-CTR (keyed once) with nettle's HMAC-SHA1, which
// restarts from its keyed state at no cost: is the EVP_MAC call the fixed cost?
struct EvpCtrNettleHmac {
    std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> c{EVP_CIPHER_CTX_new(),
                                                                      EVP_CIPHER_CTX_free};
    hmac_sha1_ctx hmac{};
    std::vector<uint8_t> salt;
    size_t tag;
    explicit EvpCtrNettleHmac(const SrtpMaster& m) {
        const auto info = srtp_profile_info(m.profile);
        tag = info.tag_len;
        const auto key = srtp_kdf(m, 0, info.master_key_len);
        salt = srtp_kdf(m, 2, info.master_salt_len);
        const auto auth = srtp_kdf(m, 1, 20);
        hmac_sha1_set_key(&hmac, auth.size(), auth.data());
        EVP_EncryptInit_ex2(c.get(), EVP_aes_128_ctr(), key.data(), nullptr, nullptr);
    }
    size_t seal(const std::vector<uint8_t>& rtp, uint64_t index, uint8_t* out) {
        const auto iv = iv_cm(salt, index);
        int n = 0;
        std::memcpy(out, rtp.data(), kHeader);
        if (EVP_EncryptInit_ex2(c.get(), nullptr, nullptr, iv.data(), nullptr) != 1 ||
            EVP_EncryptUpdate(c.get(), out + kHeader, &n, rtp.data() + kHeader,
                              int(rtp.size() - kHeader)) != 1)
            return 0;
        const uint8_t roc[4] = {uint8_t(index >> 40), uint8_t(index >> 32), uint8_t(index >> 24),
                                uint8_t(index >> 16)};
        uint8_t mac[SHA1_DIGEST_SIZE];
        hmac_sha1_update(&hmac, rtp.size(), out);
        hmac_sha1_update(&hmac, 4, roc);
        hmac_sha1_digest(&hmac, sizeof mac, mac);
        std::memcpy(out + rtp.size(), mac, tag);
        return rtp.size() + tag;
    }
};

// The product's sealer behind the bench's seal(rtp, index, out) shape.
struct EvpLeg {
    SrtpSealer sealer;
    explicit EvpLeg(const SrtpMaster& m) : sealer(m) {}
    size_t seal(const std::vector<uint8_t>& rtp, uint64_t index, uint8_t* out) {
        return sealer.seal(rtp, index, std::span(out, rtp.size() + 32));
    }
};

// libsrtp2 through the tests' reference peer (tests/bpf/srtp_peer.h).
struct LibsrtpSealer {
    sctest::SrtpPeer peer;
    LibsrtpSealer(const SrtpMaster& m, uint64_t first_index) : peer(m, kSsrc, false) {
        peer.set_roc(kSsrc, uint32_t(first_index >> 16));  // it tracks the index itself after
    }
    size_t seal(const std::vector<uint8_t>& rtp, uint64_t, uint8_t* out) {
        std::memcpy(out, rtp.data(), rtp.size());
        const int len = peer.protect_in_place(out, int(rtp.size()));
        return len < 0 ? 0 : size_t(len);
    }
};

std::vector<std::vector<uint8_t>> make_packets(size_t count, size_t size, uint64_t first_index) {
    std::mt19937 rng(1);
    std::vector<std::vector<uint8_t>> pkts;
    for (size_t i = 0; i < count; ++i) {
        std::vector<uint8_t> p(size);
        for (auto& b : p) b = uint8_t(rng());
        const uint64_t index = first_index + i;
        p[0] = 0x80;
        p[1] = 96;
        p[2] = uint8_t(index >> 8);
        p[3] = uint8_t(index);
        for (int k = 0; k < 4; ++k) p[8 + k] = uint8_t(kSsrc >> (24 - 8 * k));
        pkts.push_back(std::move(p));
    }
    return pkts;
}

const char* profile_name(uint16_t p) {
    switch (p) {
        case SC_PROFILE_AES128_CM_SHA1_80:
            return "AES128_CM_SHA1_80";
        case SC_PROFILE_AES128_CM_SHA1_32:
            return "AES128_CM_SHA1_32";
        case SC_PROFILE_AEAD_AES_128_GCM:
            return "AEAD_AES_128_GCM";
        default:
            return "AEAD_AES_256_GCM";
    }
}

}  // namespace

int main(int argc, char** argv) {
    int rounds = 9;
    size_t packets = 1000;
    size_t legs = 64;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--smoke") {
            rounds = 1;
            packets = 200;
            legs = 4;
        } else if (a == "--rounds" && i + 1 < argc) {
            rounds = std::stoi(argv[++i]);
        } else if (a == "--packets" && i + 1 < argc) {
            packets = std::stoul(argv[++i]);
        } else if (a == "--legs" && i + 1 < argc) {
            legs = std::stoul(argv[++i]);
        } else {
            std::fprintf(stderr, "usage: %s [--smoke] [--rounds R] [--packets P] [--legs L]\n",
                         argv[0]);
            return 2;
        }
    }
    sctest::srtp_global_init();

    // The stream starts just below a ROC wrap, so every run crosses it.
    const uint64_t first = (uint64_t{7} << 16) | (65536 - packets / 2 % 65536);
    const uint16_t profiles[] = {SC_PROFILE_AES128_CM_SHA1_80, SC_PROFILE_AES128_CM_SHA1_32,
                                 SC_PROFILE_AEAD_AES_128_GCM, SC_PROFILE_AEAD_AES_256_GCM};
    std::printf(
        "| profile | packet | evp (product) ns | evp-rekey ns | nettle ns | evp+nettle-hmac ns | "
        "libsrtp ns | evp / libsrtp | nettle / libsrtp |\n|---|---|---|---|---|---|---|---|---|\n");
    bool all_equal = true;
    for (const uint16_t profile : profiles) {
        std::mt19937 rng(profile);
        SrtpMaster m;
        m.profile = profile;
        const auto info = srtp_profile_info(profile);
        for (size_t i = 0; i < info.master_key_len; ++i) m.key.push_back(uint8_t(rng()));
        for (size_t i = 0; i < info.master_salt_len; ++i) m.salt.push_back(uint8_t(rng()));
        for (const size_t size : {size_t{1100}, size_t{100}}) {
            const auto pkts = make_packets(packets, size, first);
            std::vector<uint8_t> out(size + 32), ref(size + 32);

            SrtpSealer evp(m);
            EvpRekeySealer rekey(m);
            NettleSealer nettle(m);
            std::optional<EvpCtrNettleHmac> hybrid;
            if (!info.gcm) hybrid.emplace(m);
            std::map<std::string, SealFn> fns = {
                {"evp", [&](auto& p, uint64_t ix,
                            uint8_t* o) { return evp.seal(p, ix, std::span(o, p.size() + 32)); }},
                {"evp-rekey",
                 [&](auto& p, uint64_t ix, uint8_t* o) { return rekey.seal(p, ix, o); }},
                {"nettle", [&](auto& p, uint64_t ix, uint8_t* o) { return nettle.seal(p, ix, o); }},
            };
            if (hybrid)
                fns["evp+nettle-hmac"] = [&](auto& p, uint64_t ix, uint8_t* o) {
                    return hybrid->seal(p, ix, o);
                };
            // Correctness first: each candidate against libsrtp, every packet.
            {
                LibsrtpSealer oracle(m, first);
                for (size_t i = 0; i < pkts.size(); ++i) {
                    const size_t n = oracle.seal(pkts[i], first + i, ref.data());
                    for (auto& [name, fn] : fns) {
                        const size_t k = fn(pkts[i], first + i, out.data());
                        if (k != n || std::memcmp(out.data(), ref.data(), n) != 0) {
                            std::fprintf(stderr, "MISMATCH %s %s %zu B index %llu\n", name.c_str(),
                                         profile_name(profile), size,
                                         (unsigned long long)(first + i));
                            all_equal = false;
                            break;
                        }
                    }
                }
            }
            // Timing, shaped like the fan-out: each publisher packet is sealed
            // for every leg (its own keys) into that leg's slot of a ring, so
            // the plaintext is hot and the contexts are many, as in the plugin.
            std::vector<SrtpMaster> masters;
            for (size_t l = 0; l < legs; ++l) {
                SrtpMaster leg = m;
                leg.key[0] = uint8_t(l);
                leg.key[1] = uint8_t(l >> 8);
                masters.push_back(leg);
            }
            std::vector<uint8_t> ring(legs * (size + 32));
            auto fanout = [&](auto& sealers) {
                const auto t0 = std::chrono::steady_clock::now();
                for (size_t i = 0; i < pkts.size(); ++i)
                    for (size_t l = 0; l < legs; ++l)
                        sealers[l]->seal(pkts[i], first + i, ring.data() + l * (size + 32));
                const auto t1 = std::chrono::steady_clock::now();
                return std::chrono::duration<double, std::nano>(t1 - t0).count() /
                       double(pkts.size() * legs);
            };
            std::vector<std::unique_ptr<EvpLeg>> evp_legs;
            std::vector<std::unique_ptr<EvpRekeySealer>> rekey_legs;
            std::vector<std::unique_ptr<NettleSealer>> nettle_legs;
            std::vector<std::unique_ptr<EvpCtrNettleHmac>> hybrid_legs;
            for (const auto& leg : masters) {
                if (!info.gcm) hybrid_legs.push_back(std::make_unique<EvpCtrNettleHmac>(leg));
                evp_legs.push_back(std::make_unique<EvpLeg>(leg));
                rekey_legs.push_back(std::make_unique<EvpRekeySealer>(leg));
                nettle_legs.push_back(std::make_unique<NettleSealer>(leg));
            }
            std::map<std::string, std::vector<double>> ns;
            for (int r = 0; r < rounds; ++r) {
                ns["evp"].push_back(fanout(evp_legs));
                ns["evp-rekey"].push_back(fanout(rekey_legs));
                ns["nettle"].push_back(fanout(nettle_legs));
                if (!info.gcm) ns["evp+nettle-hmac"].push_back(fanout(hybrid_legs));
                // Fresh streams each round: libsrtp refuses to go back.
                std::vector<std::unique_ptr<LibsrtpSealer>> lib_legs;
                for (const auto& leg : masters)
                    lib_legs.push_back(std::make_unique<LibsrtpSealer>(leg, first));
                ns["libsrtp"].push_back(fanout(lib_legs));
            }
            auto median = [&](const std::string& k) {
                auto v = ns[k];
                if (v.empty()) return 0.0;
                std::sort(v.begin(), v.end());
                return v[v.size() / 2];
            };
            const std::string hybrid_ns =
                info.gcm ? "–" : std::to_string(int(median("evp+nettle-hmac") + 0.5));
            std::printf("| %s | %zu B | %.0f | %.0f | %.0f | %s | %.0f | ×%.2f | ×%.2f |\n",
                        profile_name(profile), size, median("evp"), median("evp-rekey"),
                        median("nettle"), hybrid_ns.c_str(), median("libsrtp"),
                        median("evp") / median("libsrtp"), median("nettle") / median("libsrtp"));
        }
    }
    std::printf(
        "\nns per leg (one packet sealed for one leg): median of %d rounds, each %zu publisher "
        "packets x %zu legs; every candidate's output %s libsrtp's\n",
        rounds, packets, legs, all_equal ? "was byte-identical to" : "DIFFERED from");
    return all_equal ? 0 : 1;
}
