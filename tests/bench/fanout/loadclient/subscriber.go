package main

// A subscriber: a pion PeerConnection answering Janus's offer; every RTP
// packet of every track is decrypted by pion's SRTP, counted, checked for
// sequence gaps and matched to its send time (see measure.go).

import (
	"encoding/binary"
	"strings"
	"sync/atomic"

	"github.com/pion/webrtc/v3"
)

type subStats struct {
	recvAll  uint64    // every RTP packet received
	recvWin  [2]uint64 // packets sent inside window w, indexed w%2
	gaps     [2]uint64 // missing sequence numbers seen while window w was open
	dups     [2]uint64 // same packet (sequence number and content) received twice while window w was open
	seqReuse [2]uint64 // a used sequence number arriving with other content while window w was open
	copies   [2]uint64 // window-w packets received again under another sequence number
	firstAt  int64     // ns of the first media packet, 0 until then
}

type subscriber struct {
	pc     *webrtc.PeerConnection
	handle *janusHandle
	st     subStats
	tracks int32 // remote tracks (one per SSRC) pion reported
	layer  int   // simulcast substream asked for, -1: not simulcast
	// Per kind (0 audio, 1 video), for the report of a short subscriber:
	// packets, first and highest sequence number pion handed us.
	kindPackets [2]uint64
	kindFirst   [2]int32
	kindLast    [2]int32
}

func (s *subscriber) onTrack(t *webrtc.TrackRemote, table *sendTable, window *int32, hist *latencyHist) {
	isVP8 := strings.EqualFold(t.Codec().MimeType, webrtc.MimeTypeVP8)
	kind := 0
	if t.Kind() == webrtc.RTPCodecTypeVideo {
		kind = 1
	}
	var last uint16
	have := false
	// SRTP replay protection is off in this client (main.go), so a packet
	// sent twice on one leg (say by the kernel and by user space) arrives
	// twice: remember the last 1024 sequence numbers, with their content.
	// The same send (same content, same send time) arriving again under a
	// new sequence number is an extra copy, not a delivery. 4096 slots hold
	// more than a window's packets of one track.
	type sendSeen struct {
		key uint64
		at  int64
	}
	var sends [4096]sendSeen
	type seqSeen struct {
		seq int32
		key uint64
	}
	var seen [1024]seqSeen
	for i := range seen {
		seen[i].seq = -1
	}
	buf := make([]byte, 1500)
	for {
		n, _, err := t.Read(buf)
		if err != nil {
			return
		}
		seq, payload, ok := parseRTP(buf[:n])
		if !ok {
			continue
		}
		now := nowNs()
		atomic.AddUint64(&s.st.recvAll, 1)
		if atomic.AddUint64(&s.kindPackets[kind], 1) == 1 {
			atomic.StoreInt32(&s.kindFirst[kind], int32(seq))
		}
		atomic.StoreInt32(&s.kindLast[kind], int32(seq))
		atomic.CompareAndSwapInt64(&s.st.firstAt, 0, now)
		media := payload
		if isVP8 {
			media = media[vp8DescriptorLen(media):]
		}
		key := mediaKey(media)
		w := atomic.LoadInt32(window)
		if slot := &seen[seq%1024]; slot.seq == int32(seq) {
			// A sequence number seen again: the same packet twice, or
			// worse, another payload under a used number — with SRTP
			// that is a reused keystream (same key, SSRC and index).
			if w > 0 {
				if slot.key == key {
					atomic.AddUint64(&s.st.dups[w%2], 1)
				} else {
					atomic.AddUint64(&s.st.seqReuse[w%2], 1)
				}
			}
			continue
		} else {
			*slot = seqSeen{int32(seq), key}
		}
		if have {
			if d := seq - last; d > 1 && d < 1000 {
				// A forward jump opens d-1 holes...
				if w > 0 {
					atomic.AddUint64(&s.st.gaps[w%2], uint64(d-1))
				}
			} else if int16(seq-last) < 0 && int16(seq-last) > -1000 && w > 0 {
				// ...and a late packet fills one: reordering nets to zero.
				if g := &s.st.gaps[w%2]; atomic.LoadUint64(g) > 0 {
					atomic.AddUint64(g, ^uint64(0))
				}
			}
		}
		if !have || int16(seq-last) > 0 {
			last = seq
		}
		have = true
		rec, ok := table.get(key)
		if !ok || rec.window <= 0 {
			continue
		}
		if slot := &sends[key%4096]; slot.key == key && slot.at == rec.at {
			atomic.AddUint64(&s.st.copies[rec.window%2], 1)
			continue
		} else {
			*slot = sendSeen{key, rec.at}
		}
		// Only packets sent while a window was open count, for that
		// window, whenever they arrive: the window's sent and received sets
		// are the same packets. Slots are reset before a window opens.
		atomic.AddUint64(&s.st.recvWin[rec.window%2], 1)
		hist.add(now - rec.at)
	}
}

// parseRTP reads the sequence number and payload of a decrypted RTP packet
// in place (RFC 3550 §5.1, §5.3.1), without the allocations of a full parse.
func parseRTP(b []byte) (seq uint16, payload []byte, ok bool) {
	if len(b) < 12 || b[0]>>6 != 2 {
		return 0, nil, false
	}
	off := 12 + 4*int(b[0]&0x0f)
	if b[0]&0x10 != 0 {
		if len(b) < off+4 {
			return 0, nil, false
		}
		off += 4 + 4*int(binary.BigEndian.Uint16(b[off+2:]))
	}
	end := len(b)
	if b[0]&0x20 != 0 && end > off {
		end -= int(b[end-1])
	}
	if off > end {
		return 0, nil, false
	}
	return binary.BigEndian.Uint16(b[2:]), b[off:end], true
}
