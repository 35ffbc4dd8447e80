package main

// A subscriber: a pion PeerConnection answering Janus's offer; every RTP
// packet of every track is decrypted by pion's SRTP, counted, checked for
// sequence gaps and matched to its send time (see measure.go).

import (
	"strings"
	"sync/atomic"

	"github.com/pion/webrtc/v3"
)

type subStats struct {
	recvAll uint64    // every RTP packet received
	recvWin [2]uint64 // packets sent inside window w, indexed w%2
	gaps    [2]uint64 // missing sequence numbers seen while window w was open
	dups    [2]uint64 // sequence numbers received twice while window w was open
	firstAt int64     // ns of the first media packet, 0 until then
}

type subscriber struct {
	pc     *webrtc.PeerConnection
	handle *janusHandle
	st     subStats
	tracks int32 // remote tracks (one per SSRC) pion reported
}

func (s *subscriber) onTrack(t *webrtc.TrackRemote, table *sendTable, window *int32, hist *latencyHist) {
	isVP8 := strings.EqualFold(t.Codec().MimeType, webrtc.MimeTypeVP8)
	var last uint16
	have := false
	// SRTP replay protection is off in this client (main.go), so a packet
	// sent twice on one leg (say by the kernel and by user space) arrives
	// twice: remember the last 1024 sequence numbers to count those.
	var seen [1024]int32
	for i := range seen {
		seen[i] = -1
	}
	for {
		pkt, _, err := t.ReadRTP()
		if err != nil {
			return
		}
		now := nowNs()
		atomic.AddUint64(&s.st.recvAll, 1)
		atomic.CompareAndSwapInt64(&s.st.firstAt, 0, now)
		if slot := &seen[pkt.SequenceNumber%1024]; *slot == int32(pkt.SequenceNumber) {
			if w := atomic.LoadInt32(window); w > 0 {
				atomic.AddUint64(&s.st.dups[w%2], 1)
			}
			continue
		} else {
			*slot = int32(pkt.SequenceNumber)
		}
		if have {
			// Forward jumps of up to 1000 are losses; anything else is
			// reordering, a duplicate or a stream restart.
			if d := pkt.SequenceNumber - last; d > 1 && d < 1000 {
				if w := atomic.LoadInt32(window); w > 0 {
					atomic.AddUint64(&s.st.gaps[w%2], uint64(d-1))
				}
			}
		}
		if !have || int16(pkt.SequenceNumber-last) > 0 {
			last = pkt.SequenceNumber
		}
		have = true
		media := pkt.Payload
		if isVP8 {
			media = media[vp8DescriptorLen(media):]
		}
		rec, ok := table.get(mediaKey(media))
		if !ok || rec.window <= 0 {
			continue
		}
		// Only packets sent while a window was open count, for that
		// window, whenever they arrive: the window's sent and received sets
		// are the same packets. Slots are reset before a window opens.
		atomic.AddUint64(&s.st.recvWin[rec.window%2], 1)
		hist.add(now - rec.at)
	}
}
