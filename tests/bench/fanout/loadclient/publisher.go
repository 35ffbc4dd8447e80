package main

// The publisher: a pion PeerConnection that sends a pre-encoded VP8 clip
// (GStreamer vp8enc, one file per frame) at its frame rate and an Opus clip
// (one file per 20 ms packet), both looped. Each frame goes out as a real
// encoder's would: all its RTP packets back to back, marker on the last.
//
// Simulcast: three clips of one scene at three sizes, each an encoding of
// the one video track (pion AddEncoding: rid q, h, f, an SSRC each). Janus
// 1.1.2 learns the layers of a rid-only offer from the rid header extension,
// which pion 3.1 does not write; the offer is sent with the layers as a
// ssrc-group:SIM (lowest first, as browsers list them) instead.

import (
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/pion/rtp"
	"github.com/pion/rtp/codecs"
	"github.com/pion/webrtc/v3"
)

type clip struct {
	frames [][]byte
}

func loadClip(pattern string) (*clip, error) {
	names, err := filepath.Glob(pattern)
	if err != nil || len(names) == 0 {
		return nil, fmt.Errorf("no media files match %s", pattern)
	}
	sort.Strings(names)
	c := &clip{}
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			return nil, err
		}
		if len(b) > 0 {
			c.frames = append(c.frames, b)
		}
	}
	return c, nil
}

// simulcastRids names the layers lowest first: substream k is layer k.
var simulcastRids = []string{"q", "h", "f"}

type publisher struct {
	pc     *webrtc.PeerConnection
	video  *webrtc.TrackLocalStaticRTP
	layers []*webrtc.TrackLocalStaticRTP // simulcast: one per rid, lowest first
	vsend  *webrtc.RTPSender
	audio  *webrtc.TrackLocalStaticRTP
	table  *sendTable
	window *int32 // current measurement window id (0 = none)
	// Packets sent inside window w, indexed w%2: all, audio, and per
	// simulcast layer (what a subscriber on that layer should get).
	sentWin  [2]uint64
	audioWin [2]uint64
	layerWin [2][3]uint64
	seqJump  uint32 // added to every video sequence number (publish-only "jump N")
	sentAll  uint64
	bytes    uint64
	stop     chan struct{}
	// sendTids are the OS threads the two send loops are locked to. pion
	// encrypts and writes on the caller's goroutine, so the sendto and the
	// softirq work it triggers on this CPU (in the kernel path: the TC
	// program's fan-out and the delivery of every clone) is charged to
	// these threads, not to the subscribers' side of the client.
	sendTids [2]int32
}

func newPublisher(api *webrtc.API, table *sendTable, window *int32, simulcast bool) (*publisher, error) {
	pc, err := api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		return nil, err
	}
	p := &publisher{pc: pc, table: table, window: window, stop: make(chan struct{})}
	vp8 := webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8, ClockRate: 90000}
	if simulcast {
		for _, rid := range simulcastRids {
			t, err := webrtc.NewTrackLocalStaticRTP(vp8, "video", "bench", webrtc.WithRTPStreamID(rid))
			if err != nil {
				return nil, err
			}
			p.layers = append(p.layers, t)
		}
		p.video = p.layers[0]
	} else if p.video, err = webrtc.NewTrackLocalStaticRTP(vp8, "video", "bench"); err != nil {
		return nil, err
	}
	p.audio, err = webrtc.NewTrackLocalStaticRTP(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2}, "audio", "bench")
	if err != nil {
		return nil, err
	}
	for _, t := range []webrtc.TrackLocal{p.audio, p.video} {
		s, err := pc.AddTrack(t)
		if err != nil {
			return nil, err
		}
		if t == p.video {
			p.vsend = s
		}
		go drainRTCP(s)
	}
	for _, t := range p.layers[min(1, len(p.layers)):] {
		if err := p.vsend.AddEncoding(t); err != nil {
			return nil, err
		}
	}
	return p, nil
}

func min(a, b int) int {
	if a < b {
		return a
	}
	return b
}

// offerSDP is the local offer as Janus should get it: for simulcast, the
// rid and simulcast attributes replaced by a SIM group of the layers' SSRCs.
func (p *publisher) offerSDP() string {
	sdp := p.pc.LocalDescription().SDP
	if len(p.layers) == 0 {
		return sdp
	}
	ssrcs := make(map[string]uint32)
	for _, e := range p.vsend.GetParameters().Encodings {
		ssrcs[e.RID] = uint32(e.SSRC)
	}
	group := "a=ssrc-group:SIM"
	for _, rid := range simulcastRids {
		group += fmt.Sprintf(" %d", ssrcs[rid])
	}
	var out []string
	video := false
	for _, line := range strings.Split(strings.TrimRight(sdp, "\r\n"), "\r\n") {
		if strings.HasPrefix(line, "m=") {
			video = strings.HasPrefix(line, "m=video")
		}
		if video && (strings.HasPrefix(line, "a=rid:") || strings.HasPrefix(line, "a=simulcast:")) {
			continue
		}
		out = append(out, line)
		if video && strings.HasPrefix(line, "a=mid:") {
			out = append(out, group)
		}
	}
	return strings.Join(out, "\r\n") + "\r\n"
}

// drainRTCP reads (and drops) the RTCP Janus sends to the publisher (PLI,
// FIR, REMB): the clip has a keyframe every 30 frames anyway.
func drainRTCP(s *webrtc.RTPSender) {
	buf := make([]byte, 1500)
	for {
		if _, _, err := s.Read(buf); err != nil {
			return
		}
	}
}

// send writes one frame's packets; layer is the simulcast layer (0..2) of
// video, -1 for audio, 0 for plain video.
func (p *publisher) send(track *webrtc.TrackLocalStaticRTP, pkts []*rtp.Packet, isVP8 bool, layer int) {
	for _, pkt := range pkts {
		media := pkt.Payload
		if isVP8 {
			media = media[vp8DescriptorLen(media):]
		}
		w := atomic.LoadInt32(p.window)
		p.table.put(mediaKey(media), sendRecord{at: nowNs(), window: w})
		if err := track.WriteRTP(pkt); err == nil {
			atomic.AddUint64(&p.sentAll, 1)
			atomic.AddUint64(&p.bytes, uint64(len(pkt.Payload)+12))
			if w > 0 {
				atomic.AddUint64(&p.sentWin[w%2], 1)
				if layer < 0 {
					atomic.AddUint64(&p.audioWin[w%2], 1)
				} else {
					atomic.AddUint64(&p.layerWin[w%2][layer], 1)
				}
			}
		}
	}
}

// run paces both clips on their own clocks until stop is closed; video
// holds one clip per simulcast layer (lowest first), or one.
func (p *publisher) run(video []*clip, audio *clip, fps int) {
	tracks := p.layers
	if len(tracks) == 0 {
		tracks = []*webrtc.TrackLocalStaticRTP{p.video}
	}
	var vps []rtp.Packetizer
	for range tracks {
		vps = append(vps, rtp.NewPacketizer(1200, 96, rand.Uint32(), &codecs.VP8Payloader{EnablePictureID: true},
			&jumpSequencer{Sequencer: rtp.NewRandomSequencer(), jump: &p.seqJump}, 90000))
	}
	ap := rtp.NewPacketizer(1200, 111, rand.Uint32(), &codecs.OpusPayloader{}, rtp.NewRandomSequencer(), 48000)
	go func() {
		p.lockSendThread(0)
		period := time.Second / time.Duration(fps)
		next := time.Now()
		for i := 0; ; i++ {
			select {
			case <-p.stop:
				return
			default:
			}
			for k, t := range tracks {
				c := video[k]
				p.send(t, vps[k].Packetize(c.frames[i%len(c.frames)], uint32(90000/fps)), true, k)
			}
			next = next.Add(period)
			time.Sleep(time.Until(next))
		}
	}()
	go func() {
		p.lockSendThread(1)
		period := 20 * time.Millisecond
		next := time.Now()
		for i := 0; ; i++ {
			select {
			case <-p.stop:
				return
			default:
			}
			p.send(p.audio, ap.Packetize(audio.frames[i%len(audio.frames)], 960), false, -1)
			next = next.Add(period)
			time.Sleep(time.Until(next))
		}
	}()
}

// lockSendThread pins the calling send loop to its own OS thread for good
// (the goroutine never unlocks, so the thread serves no other goroutine)
// and records the thread id for sendCPUSeconds.
func (p *publisher) lockSendThread(i int) {
	runtime.LockOSThread()
	atomic.StoreInt32(&p.sendTids[i], int32(syscall.Gettid()))
}

// sendCPUSeconds is the CPU time of the two send threads so far, or -1
// while either has not started.
func (p *publisher) sendCPUSeconds() float64 {
	sum := 0.0
	for i := range p.sendTids {
		tid := atomic.LoadInt32(&p.sendTids[i])
		if tid == 0 {
			return -1
		}
		s := procCPUSeconds(fmt.Sprintf("self/task/%d", tid))
		if s < 0 {
			return -1
		}
		sum += s
	}
	return sum
}

// jumpSequencer numbers packets like its Sequencer, plus a shared offset.
type jumpSequencer struct {
	rtp.Sequencer
	jump *uint32
}

func (j *jumpSequencer) NextSequenceNumber() uint16 {
	return j.Sequencer.NextSequenceNumber() + uint16(atomic.LoadUint32(j.jump))
}
