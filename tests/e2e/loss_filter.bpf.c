// Loss for tests/e2e/test_kernel_nack.py: on TC ingress of the client
// namespace's veth, drops every LOSS_EVERY-th UDP/IPv4 packet sent to port
// LOSS_DPORT (one subscriber's ICE port). Counted, not random: a random
// drop left some runs with too few lost video packets to judge recovery. This kernel has no netem, u32
// or gact, so a few lines of BPF stand in; the test compiles it with the
// port it needs (clang -DLOSS_DPORT=... -DLOSS_EVERY=...).
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/pkt_cls.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

__u64 seen = 0;

SEC("tc")
int drop_some(struct __sk_buff *skb)
{
    void *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;
    struct ethhdr *eth = data;
    struct iphdr *ip = (void *)(eth + 1);
    struct udphdr *udp = (void *)(ip + 1);

    if ((void *)(udp + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP) ||
        ip->protocol != IPPROTO_UDP || ip->ihl != 5 || udp->dest != bpf_htons(LOSS_DPORT))
        return TC_ACT_OK;
    return __sync_fetch_and_add(&seen, 1) % LOSS_EVERY == LOSS_EVERY - 1 ? TC_ACT_SHOT : TC_ACT_OK;
}

char _license[] SEC("license") = "GPL";
