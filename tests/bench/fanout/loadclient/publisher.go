package main

// The publisher: a pion PeerConnection that sends a pre-encoded VP8 clip
// (GStreamer vp8enc, one file per frame) at its frame rate and an Opus clip
// (one file per 20 ms packet), both looped. Each frame goes out as a real
// encoder's would: all its RTP packets back to back, marker on the last.

import (
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"runtime"
	"sort"
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

type publisher struct {
	pc      *webrtc.PeerConnection
	video   *webrtc.TrackLocalStaticRTP
	audio   *webrtc.TrackLocalStaticRTP
	table   *sendTable
	window  *int32 // current measurement window id (0 = none)
	sentWin [2]uint64
	sentAll uint64
	bytes   uint64
	stop    chan struct{}
	// sendTids are the OS threads the two send loops are locked to. pion
	// encrypts and writes on the caller's goroutine, so the sendto and the
	// softirq work it triggers on this CPU (in the kernel path: the TC
	// program's fan-out and the delivery of every clone) is charged to
	// these threads, not to the subscribers' side of the client.
	sendTids [2]int32
}

func newPublisher(api *webrtc.API, table *sendTable, window *int32) (*publisher, error) {
	pc, err := api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		return nil, err
	}
	p := &publisher{pc: pc, table: table, window: window, stop: make(chan struct{})}
	p.video, err = webrtc.NewTrackLocalStaticRTP(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8, ClockRate: 90000}, "video", "bench")
	if err != nil {
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
		go drainRTCP(s)
	}
	return p, nil
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

func (p *publisher) send(track *webrtc.TrackLocalStaticRTP, pkts []*rtp.Packet, isVP8 bool) {
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
			}
		}
	}
}

// run paces both clips on their own clocks until stop is closed.
func (p *publisher) run(video, audio *clip, fps int) {
	vp := rtp.NewPacketizer(1200, 96, rand.Uint32(), &codecs.VP8Payloader{EnablePictureID: true},
		rtp.NewRandomSequencer(), 90000)
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
			p.send(p.video, vp.Packetize(video.frames[i%len(video.frames)], uint32(90000/fps)), true)
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
			p.send(p.audio, ap.Packetize(audio.frames[i%len(audio.frames)], 960), false)
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
