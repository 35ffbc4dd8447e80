// fanoutload: one publisher and N subscribers against a Janus VideoRoom (or
// SwiftCall) over the HTTP transport, all real pion/webrtc PeerConnections
// with ICE, DTLS and SRTP. It grows N through the given steps, measures each
// step over a fixed window and prints one JSON object per step on stdout.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand"
	"net"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/pion/ice/v2"
	"github.com/pion/webrtc/v3"
)

type config struct {
	url, pkg, localIP, media, janusPid, label string
	steps                                     []int
	warmup, window                            time.Duration
	fps, joinConcurrency                      int
	maxLoss, maxBusy, minDelivered            float64
	// The programs run inside Janus's own syscalls (the sealed transmitter's
	// BPF_PROG_RUN), so Janus's CPU time holds their run time already.
	bpfInJanus bool
	// Simulcast: a folder with q/, h/ and f/, a clip per layer (lowest
	// first); subscriber k asks for substream k % 3.
	simulcast string
	// Publish into an existing room and print {"feed": id} on stdout, then
	// send until SIGTERM or stdin closes (a test's simulcast publisher).
	publishOnly bool
	room        int64
}

type stepResult struct {
	Mode           string  `json:"mode"`
	N              int     `json:"n"`
	JoinSeconds    float64 `json:"join_s"`
	WindowSeconds  float64 `json:"window_s"`
	PubPPS         float64 `json:"pub_pps"`
	PubKbps        float64 `json:"pub_kbps"`
	Sent           uint64  `json:"sent"`
	Expected       uint64  `json:"expected"`
	Delivered      uint64  `json:"delivered"`
	DeliveredRatio float64 `json:"delivered_ratio"`
	Loss           float64 `json:"loss"`
	SeqGaps        uint64  `json:"seq_gaps"`
	SeqDups        uint64  `json:"seq_dups"`
	SeqReuse       uint64  `json:"seq_reuse"`
	Copies         uint64  `json:"copies"`
	CopiesRatio    float64 `json:"copies_ratio"` // extra copies / expected
	SubsSilent     int     `json:"subs_silent"`
	// Per-subscriber spread: a shortfall with no sequence gaps is either
	// every subscriber a little short (late reads) or a few missing a long
	// stretch (a stalled leg: jumps of >= 1000 numbers are not counted as
	// gaps). Subscribers below 99 % of what was sent, and the lowest ratio.
	SubsShort    int     `json:"subs_short"`
	SubMinRatio  float64 `json:"sub_min_ratio"`
	TracksPerSub float64 `json:"tracks_per_sub"`
	LatP50Us     float64 `json:"lat_p50_us"`
	LatP99Us     float64 `json:"lat_p99_us"`
	JanusCPU     float64 `json:"janus_cpu_pct"`
	MachineCPU   float64 `json:"machine_cpu_pct"`
	SoftirqCPU   float64 `json:"softirq_cpu_pct"`
	ClientCPU    float64 `json:"client_cpu_pct"`
	// The publisher's two send threads, part of ClientCPU: pion's SRTP and
	// sendto, plus the kernel work that runs in those sendto calls. In the
	// kernel path that is the TC fan-out and the delivery of every clone;
	// in the stock and user paths that work runs in Janus's sendto calls
	// instead. -1: not measured.
	PubSendCPU    float64 `json:"pub_send_cpu_pct"`
	Cores         int     `json:"cores"`
	FwdPPS        float64 `json:"fwd_pps"`
	JanusUsPerFwd float64 `json:"janus_us_per_fwd"`
	// The headline: machine busy minus the subscribers' side of the load
	// client (client minus the publisher's send threads), so the SFU is
	// charged for its kernel work wherever the scheduler accounted it.
	SfuUsPerFwd          float64 `json:"sfu_us_per_fwd"`
	MachineMinusClientUs float64 `json:"machine_minus_client_us_per_fwd"` // all of the client subtracted
	JanusBpfUsPerFwd     float64 `json:"janus_bpf_us_per_fwd"`            // Janus process + its BPF programs
	BpfNsPerFwd          float64 `json:"bpf_ns_per_fwd"`                  // -1: no program loaded
	BpfRunCnt            uint64  `json:"bpf_run_cnt"`
	Stop                 string  `json:"stop,omitempty"`
}

var stderrIsTTY = func() bool {
	fi, err := os.Stderr.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}()

// progress rewrites one status line on a terminal; elsewhere (logs, CI) only
// lines ending in a newline are printed.
func progress(format string, a ...any) {
	if stderrIsTTY {
		fmt.Fprintf(os.Stderr, "\r\033[K"+format, a...)
	} else if strings.HasSuffix(format, "\n") {
		fmt.Fprintf(os.Stderr, format, a...)
	}
}

func newAPI(localIP net.IP) *webrtc.API {
	m := &webrtc.MediaEngine{}
	if err := m.RegisterDefaultCodecs(); err != nil {
		panic(err)
	}
	var se webrtc.SettingEngine
	// The client namespace's veth carries a 127/8 address, which pion
	// counts as loopback: include it, and only it.
	se.SetIncludeLoopbackCandidate(true)
	se.SetIPFilter(func(ip net.IP) bool { return ip.Equal(localIP) })
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	// Duplicates must reach the counters, not be dropped silently.
	se.DisableSRTPReplayProtection(true)
	// No interceptors: subscribers send no NACK, so every loss is counted
	// as lost, and no RTCP work is added to the client.
	return webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithSettingEngine(se))
}

func sdpOf(d *webrtc.SessionDescription) janusMsg {
	return janusMsg{"type": d.Type.String(), "sdp": d.SDP}
}

func descFrom(j janusMsg) webrtc.SessionDescription {
	return webrtc.SessionDescription{Type: webrtc.NewSDPType(fmt.Sprint(j["type"])), SDP: fmt.Sprint(j["sdp"])}
}

type bench struct {
	cfg    config
	api    *webrtc.API
	sess   *janusSession
	room   int64
	feed   any
	pub    *publisher
	table  *sendTable
	window int32
	hist   latencyHist
	mu     sync.Mutex
	subs   []*subscriber
	joined int32 // subscribers asked to join so far (their layer: k % 3)
}

func (b *bench) setupPublisher(video []*clip, audio *clip) error {
	h, err := b.sess.attach(b.cfg.pkg)
	if err != nil {
		return err
	}
	if b.cfg.publishOnly {
		b.room = b.cfg.room
	} else {
		b.room = 100000 + rand.Int63n(800000)
		if _, _, err := h.request(janusMsg{"request": "create", "room": b.room, "publishers": 1,
			"bitrate": 0, "audiocodec": "opus", "videocodec": "vp8", "description": "fanout bench"}, nil, 10*time.Second); err != nil {
			return fmt.Errorf("create room: %w", err)
		}
	}
	data, _, err := h.request(janusMsg{"request": "join", "ptype": "publisher", "room": b.room, "display": "bench"}, nil, 10*time.Second)
	if err != nil {
		return fmt.Errorf("join publisher: %w", err)
	}
	b.feed = data["id"]
	if b.pub, err = newPublisher(b.api, b.table, &b.window, len(video) > 1); err != nil {
		return err
	}
	offer, err := b.pub.pc.CreateOffer(nil)
	if err != nil {
		return err
	}
	gathered := webrtc.GatheringCompletePromise(b.pub.pc)
	if err := b.pub.pc.SetLocalDescription(offer); err != nil {
		return err
	}
	<-gathered
	_, ans, err := h.request(janusMsg{"request": "publish", "audio": true, "video": true},
		janusMsg{"type": "offer", "sdp": b.pub.offerSDP()}, 15*time.Second)
	if err != nil || ans == nil {
		return fmt.Errorf("publish: %v (answer %v)", err, ans != nil)
	}
	if err := b.pub.pc.SetRemoteDescription(descFrom(ans)); err != nil {
		return err
	}
	h.trickleCompleted()
	if err := h.waitEvent("webrtcup", 20*time.Second); err != nil {
		return fmt.Errorf("publisher: %w", err)
	}
	b.pub.run(video, audio, b.cfg.fps)
	return nil
}

func (b *bench) addSubscriber() error {
	h, err := b.sess.attach(b.cfg.pkg)
	if err != nil {
		return err
	}
	stream := janusMsg{"feed": b.feed}
	layer := -1
	if len(b.pub.layers) > 0 {
		layer = int(atomic.AddInt32(&b.joined, 1)-1) % len(b.pub.layers)
		stream["substream"] = layer
	}
	_, offer, err := h.request(janusMsg{"request": "join", "ptype": "subscriber", "room": b.room,
		"streams": []janusMsg{stream}}, nil, 20*time.Second)
	if err != nil || offer == nil {
		return fmt.Errorf("join subscriber: %v (offer %v)", err, offer != nil)
	}
	pc, err := b.api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		return err
	}
	s := &subscriber{pc: pc, handle: h, layer: layer}
	pc.OnTrack(func(t *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		atomic.AddInt32(&s.tracks, 1)
		go s.onTrack(t, b.table, &b.window, &b.hist)
	})
	b.mu.Lock()
	b.subs = append(b.subs, s)
	b.mu.Unlock()
	if err := pc.SetRemoteDescription(descFrom(offer)); err != nil {
		return err
	}
	answer, err := pc.CreateAnswer(nil)
	if err != nil {
		return err
	}
	gathered := webrtc.GatheringCompletePromise(pc)
	if err := pc.SetLocalDescription(answer); err != nil {
		return err
	}
	<-gathered
	if _, _, err := h.request(janusMsg{"request": "start"}, sdpOf(pc.LocalDescription()), 20*time.Second); err != nil {
		return fmt.Errorf("start: %w", err)
	}
	h.trickleCompleted()
	return nil
}

// grow adds subscribers until there are n, joinConcurrency at a time, then
// waits until each has received media (or a timeout).
func (b *bench) grow(n int) error {
	b.mu.Lock()
	have := len(b.subs)
	b.mu.Unlock()
	todo := n - have
	var wg sync.WaitGroup
	var done, failed int32
	var firstErr atomic.Value
	sem := make(chan struct{}, b.cfg.joinConcurrency)
	for i := 0; i < todo; i++ {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if err := b.addSubscriber(); err != nil {
				atomic.AddInt32(&failed, 1)
				firstErr.CompareAndSwap(nil, err)
			}
			progress("%s N=%d: joining %d/%d", b.cfg.label, n, atomic.AddInt32(&done, 1), todo)
		}()
	}
	wg.Wait()
	if failed > 0 {
		return fmt.Errorf("%d of %d subscribers failed to join: %v", failed, todo, firstErr.Load())
	}
	deadline := time.Now().Add(30*time.Second + time.Duration(todo)*50*time.Millisecond)
	for time.Now().Before(deadline) {
		if b.silent() == 0 {
			return nil
		}
		progress("%s N=%d: waiting for media on %d subscribers", b.cfg.label, n, b.silent())
		time.Sleep(250 * time.Millisecond)
	}
	return nil // silent ones are reported and counted as loss
}

func (b *bench) silent() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	k := 0
	for _, s := range b.subs {
		if atomic.LoadInt64(&s.st.firstAt) == 0 {
			k++
		}
	}
	return k
}

func (b *bench) measure(n int, w int32, joinS float64) stepResult {
	slot := w % 2
	b.mu.Lock()
	for _, s := range b.subs {
		atomic.StoreUint64(&s.st.recvWin[slot], 0)
		atomic.StoreUint64(&s.st.gaps[slot], 0)
		atomic.StoreUint64(&s.st.dups[slot], 0)
		atomic.StoreUint64(&s.st.seqReuse[slot], 0)
		atomic.StoreUint64(&s.st.copies[slot], 0)
	}
	b.mu.Unlock()
	atomic.StoreUint64(&b.pub.sentWin[slot], 0)
	atomic.StoreUint64(&b.pub.audioWin[slot], 0)
	for k := range b.pub.layerWin[slot] {
		atomic.StoreUint64(&b.pub.layerWin[slot][k], 0)
	}
	b.hist.reset()
	pubBytes0 := atomic.LoadUint64(&b.pub.bytes)
	pubAll0 := atomic.LoadUint64(&b.pub.sentAll)
	j0 := procCPUSeconds(b.cfg.janusPid)
	c0 := procCPUSeconds("self")
	p0 := b.pub.sendCPUSeconds()
	m0 := readMachineCPU()
	bn0, bc0, _ := bpfStats(b.cfg.janusPid)
	t0 := time.Now()
	atomic.StoreInt32(&b.window, w)
	for end := t0.Add(b.cfg.window); time.Now().Before(end); {
		progress("%s N=%d: measuring %.0fs left", b.cfg.label, n, time.Until(end).Seconds())
		time.Sleep(500 * time.Millisecond)
	}
	atomic.StoreInt32(&b.window, 0)
	el := time.Since(t0).Seconds()
	j1 := procCPUSeconds(b.cfg.janusPid)
	c1 := procCPUSeconds("self")
	p1 := b.pub.sendCPUSeconds()
	m1 := readMachineCPU()
	bn1, bc1, bpfOK := bpfStats(b.cfg.janusPid)
	pubBytes1 := atomic.LoadUint64(&b.pub.bytes)
	pubAll1 := atomic.LoadUint64(&b.pub.sentAll)
	// Packets of the window still in flight arrive within this grace time;
	// they count (late is not lost), and so do their latencies.
	time.Sleep(700 * time.Millisecond)

	r := stepResult{Mode: b.cfg.label, N: n, JoinSeconds: joinS, WindowSeconds: el, Cores: numCPU()}
	r.Sent = atomic.LoadUint64(&b.pub.sentWin[slot])
	r.PubPPS = float64(pubAll1-pubAll0) / el
	r.PubKbps = float64(pubBytes1-pubBytes0) * 8 / el / 1000
	// What one subscriber should get: everything, or audio and its layer.
	expectedOf := func(s *subscriber) uint64 {
		if s.layer < 0 {
			return r.Sent
		}
		return atomic.LoadUint64(&b.pub.audioWin[slot]) + atomic.LoadUint64(&b.pub.layerWin[slot][s.layer])
	}
	b.mu.Lock()
	first := true
	for _, s := range b.subs {
		r.Expected += expectedOf(s)
		r.Delivered += atomic.LoadUint64(&s.st.recvWin[slot])
		r.SeqGaps += atomic.LoadUint64(&s.st.gaps[slot])
		r.SeqDups += atomic.LoadUint64(&s.st.dups[slot])
		r.SeqReuse += atomic.LoadUint64(&s.st.seqReuse[slot])
		r.Copies += atomic.LoadUint64(&s.st.copies[slot])
		if atomic.LoadInt64(&s.st.firstAt) == 0 {
			r.SubsSilent++
		}
		if want := expectedOf(s); want > 0 {
			got := float64(atomic.LoadUint64(&s.st.recvWin[slot])) / float64(want)
			if got < 0.99 {
				r.SubsShort++
				fmt.Fprintf(os.Stderr, "%s N=%d: subscriber handle %d got %.4f of the window's packets"+
					" (audio %d packets, seq %d..%d; video %d packets, seq %d..%d)\n",
					b.cfg.label, n, s.handle.id, got,
					atomic.LoadUint64(&s.kindPackets[0]), atomic.LoadInt32(&s.kindFirst[0]), atomic.LoadInt32(&s.kindLast[0]),
					atomic.LoadUint64(&s.kindPackets[1]), atomic.LoadInt32(&s.kindFirst[1]), atomic.LoadInt32(&s.kindLast[1]))
			}
			if first || got < r.SubMinRatio {
				r.SubMinRatio = got
			}
			first = false
		}
		r.TracksPerSub += float64(atomic.LoadInt32(&s.tracks)) / float64(len(b.subs))
	}
	b.mu.Unlock()
	if r.Expected > 0 {
		r.DeliveredRatio = float64(r.Delivered) / float64(r.Expected)
		r.Loss = 1 - r.DeliveredRatio
		r.CopiesRatio = float64(r.Copies) / float64(r.Expected)
	}
	r.LatP50Us = b.hist.quantileUs(0.50)
	r.LatP99Us = b.hist.quantileUs(0.99)
	dm := m1.total - m0.total
	if dm > 0 {
		scale := 100 * float64(r.Cores) / dm // percent of one core
		r.MachineCPU = (dm - (m1.idle - m0.idle) - (m1.steal - m0.steal)) * scale
		r.SoftirqCPU = (m1.softirq - m0.softirq) * scale
	}
	r.JanusCPU = 100 * (j1 - j0) / el
	r.ClientCPU = 100 * (c1 - c0) / el
	r.PubSendCPU = -1
	if p0 >= 0 && p1 >= 0 {
		r.PubSendCPU = 100 * (p1 - p0) / el
	}
	fwd := float64(r.Expected)
	r.FwdPPS = fwd / el
	if fwd > 0 {
		r.JanusUsPerFwd = (j1 - j0) * 1e6 / fwd
		r.MachineMinusClientUs = (r.MachineCPU - r.ClientCPU) / 100 * el * 1e6 / fwd
		subs := r.ClientCPU
		if r.PubSendCPU >= 0 {
			subs -= r.PubSendCPU
		}
		r.SfuUsPerFwd = (r.MachineCPU - subs) / 100 * el * 1e6 / fwd
		r.JanusBpfUsPerFwd = r.JanusUsPerFwd
	}
	r.BpfNsPerFwd = -1
	if bpfOK {
		r.BpfRunCnt = bc1 - bc0
		if fwd > 0 {
			r.BpfNsPerFwd = float64(bn1-bn0) / fwd
			if !b.cfg.bpfInJanus {
				r.JanusBpfUsPerFwd += r.BpfNsPerFwd / 1000
			}
		}
	}
	return r
}

func numCPU() int {
	b, _ := os.ReadFile("/proc/stat")
	k := 0
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "cpu") && !strings.HasPrefix(l, "cpu ") {
			k++
		}
	}
	return k
}

func (b *bench) teardown() {
	b.mu.Lock()
	subs := b.subs
	b.mu.Unlock()
	var wg sync.WaitGroup
	sem := make(chan struct{}, 32)
	for _, s := range subs {
		wg.Add(1)
		sem <- struct{}{}
		go func(s *subscriber) {
			defer wg.Done()
			_ = s.pc.Close()
			<-sem
		}(s)
	}
	wg.Wait()
	if b.pub != nil {
		close(b.pub.stop)
		_ = b.pub.pc.Close()
	}
	b.sess.destroy()
}

func parseSteps(s string) []int {
	var out []int
	for _, f := range strings.Split(s, ",") {
		if v, err := strconv.Atoi(strings.TrimSpace(f)); err == nil && v > 0 {
			out = append(out, v)
		}
	}
	return out
}

func main() {
	var cfg config
	var steps string
	flag.StringVar(&cfg.url, "url", "", "Janus HTTP API base, e.g. http://127.0.1.1:8088/janus")
	flag.StringVar(&cfg.pkg, "plugin", "janus.plugin.videoroom", "plugin package to attach to")
	flag.StringVar(&cfg.localIP, "ip", "", "local address to gather ICE candidates on")
	flag.StringVar(&cfg.media, "media", "", "folder with v*.vp8 (one VP8 frame each) and a*.opus (one Opus packet each)")
	flag.StringVar(&cfg.janusPid, "janus-pid", "", "pid of the Janus process, for its CPU time")
	flag.StringVar(&cfg.label, "label", "janus", "mode label written into each result")
	flag.StringVar(&steps, "steps", "10,50,100,200,400,600,800", "subscriber counts to measure, ascending")
	flag.DurationVar(&cfg.warmup, "warmup", 3*time.Second, "settle time after subscribers join")
	flag.DurationVar(&cfg.window, "window", 10*time.Second, "measurement window per step")
	flag.IntVar(&cfg.fps, "fps", 30, "frame rate of the VP8 clip")
	flag.IntVar(&cfg.joinConcurrency, "join-concurrency", 8, "subscribers joining at once")
	flag.Float64Var(&cfg.maxLoss, "max-loss", 0.01, "stop growing N once loss exceeds this")
	flag.Float64Var(&cfg.maxBusy, "max-busy", 0.95, "stop growing N once Janus + load client + softirq use this fraction of all cores")
	flag.BoolVar(&cfg.bpfInJanus, "bpf-in-janus", false, "BPF run time is part of Janus's CPU time (sealed transmitter): do not add it again")
	flag.Float64Var(&cfg.minDelivered, "min-delivered", 0, "exit 3 when any step delivers less than this ratio")
	flag.StringVar(&cfg.simulcast, "simulcast", "", "folder with q/, h/, f/ (v*.vp8 each): publish three simulcast layers; subscriber k takes substream k%3")
	flag.BoolVar(&cfg.publishOnly, "publish-only", false, "only publish into -room, print {\"feed\": id}, send until SIGTERM or stdin EOF (a stdin line \"jump N\" leaps video sequence numbers by N)")
	flag.Int64Var(&cfg.room, "room", 0, "the room -publish-only joins")
	timeout := flag.Duration("timeout", 15*time.Minute, "hard limit for the whole run")
	flag.Parse()
	cfg.steps = parseSteps(steps)
	ip := net.ParseIP(cfg.localIP)
	if cfg.url == "" || ip == nil || cfg.media == "" || len(cfg.steps) == 0 || (cfg.publishOnly && cfg.room == 0) {
		fmt.Fprintln(os.Stderr, "usage: fanoutload -url URL -ip ADDR -media DIR [-steps 10,50] ...")
		os.Exit(2)
	}
	rand.Seed(time.Now().UnixNano())
	var video []*clip
	folders := []string{cfg.media}
	if cfg.simulcast != "" {
		folders = nil
		for _, rid := range simulcastRids {
			folders = append(folders, cfg.simulcast+"/"+rid)
		}
	}
	for _, f := range folders {
		c, err := loadClip(f + "/v*.vp8")
		if err != nil {
			fail(err)
		}
		video = append(video, c)
	}
	audio, err := loadClip(cfg.media + "/a*.opus")
	if err != nil {
		fail(err)
	}
	time.AfterFunc(*timeout, func() { fail(fmt.Errorf("timeout %v reached", *timeout)) })

	b := &bench{cfg: cfg, api: newAPI(ip), table: newSendTable()}
	if b.sess, err = newJanusSession(cfg.url); err != nil {
		fail(err)
	}
	progress("%s: publisher joining", cfg.label)
	if err := b.setupPublisher(video, audio); err != nil {
		b.teardown()
		fail(err)
	}
	enc := json.NewEncoder(os.Stdout)
	if cfg.publishOnly {
		enc.Encode(janusMsg{"feed": b.feed, "room": b.room})
		stop := make(chan os.Signal, 1)
		signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
		go func() {
			// "jump N": every video layer's sequence numbers leap by N (a
			// test moves a leg's SRTP index on faster than real time).
			in := bufio.NewScanner(os.Stdin)
			for in.Scan() {
				var n uint32
				if _, err := fmt.Sscanf(in.Text(), "jump %d", &n); err == nil {
					atomic.AddUint32(&b.pub.seqJump, n)
				}
			}
			stop <- syscall.SIGTERM
		}()
		<-stop
		b.teardown()
		os.Exit(0)
	}
	rc := 0
	for i, n := range cfg.steps {
		t := time.Now()
		if err := b.grow(n); err != nil {
			progress("")
			fmt.Fprintf(os.Stderr, "%s N=%d: %v\n", cfg.label, n, err)
			enc.Encode(stepResult{Mode: cfg.label, N: n, Stop: "join failed: " + err.Error()})
			rc = 1
			break
		}
		joinS := time.Since(t).Seconds()
		time.Sleep(cfg.warmup)
		r := b.measure(n, int32(i+1), joinS)
		if r.Loss > cfg.maxLoss {
			r.Stop = fmt.Sprintf("loss %.2f%% > %.2f%%", 100*r.Loss, 100*cfg.maxLoss)
		} else if own := r.JanusCPU + r.ClientCPU + r.SoftirqCPU; own >= cfg.maxBusy*100*float64(r.Cores) {
			// The machine is shared: other work does not count as our
			// saturation (it shows up as loss if it starves us).
			r.Stop = fmt.Sprintf("saturated: Janus+client+softirq %.0f%% of %d cores", own, r.Cores)
		}
		if cfg.minDelivered > 0 && r.DeliveredRatio < cfg.minDelivered {
			rc = 3
		}
		enc.Encode(r)
		progress("%s N=%d: delivered %.4f, p50 %.0f us, p99 %.0f us, Janus %.0f%%, machine %.0f%%\n",
			cfg.label, n, r.DeliveredRatio, r.LatP50Us, r.LatP99Us, r.JanusCPU, r.MachineCPU)
		if r.Stop != "" {
			break
		}
	}
	progress("%s: tearing down\n", cfg.label)
	b.teardown()
	os.Exit(rc)
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "\nfanoutload: %v\n", err)
	os.Exit(1)
}
