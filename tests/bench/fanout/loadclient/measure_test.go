package main

import "testing"

func TestVP8DescriptorLenSkipsEveryOptionalField(t *testing.T) {
	cases := []struct {
		name string
		in   []byte
		want int
	}{
		{"no extension", []byte{0x10, 0xAA}, 1},
		{"7-bit picture id", []byte{0x90, 0x80, 0x05, 0xAA}, 3},
		{"15-bit picture id", []byte{0x90, 0x80, 0x81, 0x02, 0xAA}, 4},
		{"picture id, tl0picidx, tid", []byte{0x90, 0xE0, 0x81, 0x02, 0x07, 0x40, 0xAA}, 6},
		{"truncated", []byte{0x90}, 1},
	}
	for _, c := range cases {
		if got := vp8DescriptorLen(c.in); got != c.want {
			t.Errorf("%s: got %d, want %d", c.name, got, c.want)
		}
	}
}

func TestRewrittenPictureIDStillMatchesTheSentPacket(t *testing.T) {
	media := make([]byte, 900)
	for i := range media {
		media[i] = byte(i * 7)
	}
	sent := append([]byte{0x90, 0x80, 0x81, 0x02}, media...)
	relayed := append([]byte{0x90, 0x80, 0x85, 0x77}, media...)
	a := mediaKey(sent[vp8DescriptorLen(sent):])
	b := mediaKey(relayed[vp8DescriptorLen(relayed):])
	if a != b {
		t.Fatalf("keys differ: %x %x", a, b)
	}
	other := append([]byte(nil), media...)
	other[len(other)-1] ^= 1
	if mediaKey(other) == a {
		t.Fatal("a different last byte gives the same key")
	}
}

func TestParseRTPSkipsCSRCExtensionAndPadding(t *testing.T) {
	pkt := []byte{
		0xB1, 0x60, 0x12, 0x34, // V=2 P=1 X=1 CC=1, PT 96, seq 0x1234
		0, 0, 0, 1, 0, 0, 0, 2, // timestamp, SSRC
		0, 0, 0, 3, // CSRC
		0xBE, 0xDE, 0x00, 0x01, 0x10, 0xFF, 0x00, 0x00, // one-byte extension block, 1 word
		0xAA, 0xBB, // payload
		0x00, 0x00, 0x03, // 3 bytes of padding
	}
	seq, payload, ok := parseRTP(pkt)
	if !ok || seq != 0x1234 || len(payload) != 2 || payload[0] != 0xAA || payload[1] != 0xBB {
		t.Fatalf("got ok=%v seq=%x payload=%x", ok, seq, payload)
	}
	if _, _, ok := parseRTP(pkt[:14]); ok {
		t.Fatal("a truncated header was accepted")
	}
}

func TestLatencyQuantilesComeFromTheHistogram(t *testing.T) {
	var h latencyHist
	for i := 1; i <= 100; i++ {
		h.add(int64(i) * 100_000) // 0.1 ms .. 10 ms
	}
	if p50 := h.quantileUs(0.5); p50 < 4990 || p50 > 5020 {
		t.Fatalf("p50 %v", p50)
	}
	if p99 := h.quantileUs(0.99); p99 < 9890 || p99 > 9920 {
		t.Fatalf("p99 %v", p99)
	}
}
