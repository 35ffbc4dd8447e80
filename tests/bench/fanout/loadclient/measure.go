package main

// How a received packet is matched to its send time without touching the
// payload (real VP8 has no room for a timestamp, and Janus rewrites SSRC,
// sequence number and RTP timestamp per subscriber): the publisher records
// a 64-bit hash of each packet's media bytes with its send time and the
// measurement window it was sent in; a subscriber hashes the same bytes
// after SRTP decryption and looks the hash up. For VP8 the payload
// descriptor (RFC 7741 §4.2) is skipped, so an SFU that rewrites picture ids
// still matches. Frames of the looped clip repeat only every loop (~10 s):
// the table keeps the latest send, far longer ago than any real latency.

import (
	"sync"
	"sync/atomic"
	"time"
)

// vp8DescriptorLen returns the length of the VP8 payload descriptor.
func vp8DescriptorLen(p []byte) int {
	if len(p) < 1 {
		return 0
	}
	n := 1
	if p[0]&0x80 == 0 { // X: no extension byte
		return n
	}
	if len(p) < 2 {
		return len(p)
	}
	x := p[1]
	n++
	if x&0x80 != 0 { // I: picture id, 7 or 15 bits
		if len(p) > n && p[n]&0x80 != 0 {
			n += 2
		} else {
			n++
		}
	}
	if x&0x40 != 0 { // L: TL0PICIDX
		n++
	}
	if x&0x30 != 0 { // T or K: TID/KEYIDX byte
		n++
	}
	if n > len(p) {
		return len(p)
	}
	return n
}

// mediaKey hashes the media bytes (FNV-1a 64) with the length; the first
// and last 64 bytes are enough to tell packets of the clip apart.
func mediaKey(media []byte) uint64 {
	h := uint64(14695981039346656037)
	mix := func(b []byte) {
		for _, c := range b {
			h ^= uint64(c)
			h *= 1099511628211
		}
	}
	if len(media) <= 128 {
		mix(media)
	} else {
		mix(media[:64])
		mix(media[len(media)-64:])
	}
	h ^= uint64(len(media))
	h *= 1099511628211
	return h
}

type sendRecord struct {
	at     int64 // monotonic ns since start
	window int32
}

// sendTable maps media key -> last send of that packet.
type sendTable struct {
	mu sync.RWMutex
	m  map[uint64]sendRecord
}

func newSendTable() *sendTable { return &sendTable{m: make(map[uint64]sendRecord, 4096)} }

func (t *sendTable) put(k uint64, r sendRecord) {
	t.mu.Lock()
	t.m[k] = r
	t.mu.Unlock()
}

func (t *sendTable) get(k uint64) (sendRecord, bool) {
	t.mu.RLock()
	r, ok := t.m[k]
	t.mu.RUnlock()
	return r, ok
}

// latencyHist: 10 µs buckets up to 1 s, updated lock-free by every
// subscriber goroutine.
const histBucketNs = 10_000
const histBuckets = 100_000

type latencyHist struct {
	b        [histBuckets + 1]uint64
	count    uint64
	sumNs    uint64
	overflow uint64
}

func (h *latencyHist) add(ns int64) {
	if ns < 0 {
		ns = 0
	}
	i := ns / histBucketNs
	if i >= histBuckets {
		i = histBuckets
		atomic.AddUint64(&h.overflow, 1)
	}
	atomic.AddUint64(&h.b[i], 1)
	atomic.AddUint64(&h.count, 1)
	atomic.AddUint64(&h.sumNs, uint64(ns))
}

func (h *latencyHist) reset() {
	for i := range h.b {
		atomic.StoreUint64(&h.b[i], 0)
	}
	atomic.StoreUint64(&h.count, 0)
	atomic.StoreUint64(&h.sumNs, 0)
	atomic.StoreUint64(&h.overflow, 0)
}

// quantileUs returns the q-quantile in microseconds (bucket midpoint).
func (h *latencyHist) quantileUs(q float64) float64 {
	total := atomic.LoadUint64(&h.count)
	if total == 0 {
		return -1
	}
	want := uint64(q*float64(total) + 0.5)
	if want < 1 {
		want = 1
	}
	var acc uint64
	for i := range h.b {
		acc += atomic.LoadUint64(&h.b[i])
		if acc >= want {
			return (float64(i) + 0.5) * histBucketNs / 1000
		}
	}
	return float64(histBuckets) * histBucketNs / 1000
}

var startMono = time.Now()

func nowNs() int64 { return int64(time.Since(startMono)) }
