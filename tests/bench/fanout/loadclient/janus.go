package main

// Minimal client of the Janus HTTP transport (REST + long poll), enough for
// the VideoRoom verbs the benchmark uses. One session carries every handle of
// this process; a single long-poll loop dispatches events to the request that
// is waiting for them (by transaction) or to the handle's event channel.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"net/http"
	"strconv"
	"sync"
	"time"
)

type janusMsg map[string]any

type janusSession struct {
	base    string
	id      int64
	client  *http.Client
	mu      sync.Mutex
	waiters map[string]chan janusMsg
	handles map[int64]*janusHandle
	stop    chan struct{}
	done    chan struct{}
}

type janusHandle struct {
	s      *janusSession
	id     int64
	events chan janusMsg // asynchronous events without a waiting transaction
}

func newTransaction() string {
	return strconv.FormatUint(rand.Uint64(), 36)
}

func (s *janusSession) post(url string, body janusMsg) (janusMsg, error) {
	raw, _ := json.Marshal(body)
	resp, err := s.client.Post(url, "application/json", bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	var m janusMsg
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("janus: bad reply %q: %w", data, err)
	}
	if m["janus"] == "error" {
		return m, fmt.Errorf("janus error: %v", m["error"])
	}
	return m, nil
}

func newJanusSession(base string) (*janusSession, error) {
	s := &janusSession{
		base:    base,
		client:  &http.Client{Timeout: 40 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}},
		waiters: map[string]chan janusMsg{},
		handles: map[int64]*janusHandle{},
		stop:    make(chan struct{}),
		done:    make(chan struct{}),
	}
	m, err := s.post(base, janusMsg{"janus": "create", "transaction": newTransaction()})
	if err != nil {
		return nil, err
	}
	s.id = int64(m["data"].(map[string]any)["id"].(float64))
	go s.poll()
	return s, nil
}

func (s *janusSession) url() string { return s.base + "/" + strconv.FormatInt(s.id, 10) }

// poll is the session's only long-poll loop; Janus also counts it as the
// session keepalive.
func (s *janusSession) poll() {
	defer close(s.done)
	for {
		select {
		case <-s.stop:
			return
		default:
		}
		resp, err := s.client.Get(s.url() + "?maxev=50&rid=" + newTransaction())
		if err != nil {
			time.Sleep(100 * time.Millisecond)
			continue
		}
		data, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var batch []janusMsg
		if len(data) > 0 && data[0] == '[' {
			_ = json.Unmarshal(data, &batch)
		} else {
			var one janusMsg
			if json.Unmarshal(data, &one) == nil {
				batch = append(batch, one)
			}
		}
		for _, m := range batch {
			s.dispatch(m)
		}
	}
}

func (s *janusSession) dispatch(m janusMsg) {
	if m["janus"] == "keepalive" {
		return
	}
	s.mu.Lock()
	tx, _ := m["transaction"].(string)
	w, ok := s.waiters[tx]
	if ok {
		delete(s.waiters, tx)
	}
	var h *janusHandle
	if sender, isNum := m["sender"].(float64); isNum {
		h = s.handles[int64(sender)]
	}
	s.mu.Unlock()
	if ok {
		w <- m
		return
	}
	if h != nil {
		select {
		case h.events <- m:
		default: // nobody listens to this handle's events any more
		}
	}
}

func (s *janusSession) attach(pkg string) (*janusHandle, error) {
	m, err := s.post(s.url(), janusMsg{"janus": "attach", "plugin": pkg, "transaction": newTransaction()})
	if err != nil {
		return nil, err
	}
	h := &janusHandle{s: s, id: int64(m["data"].(map[string]any)["id"].(float64)), events: make(chan janusMsg, 16)}
	s.mu.Lock()
	s.handles[h.id] = h
	s.mu.Unlock()
	return h, nil
}

func (s *janusSession) destroy() {
	close(s.stop)
	_, _ = s.post(s.url(), janusMsg{"janus": "destroy", "transaction": newTransaction()})
	select {
	case <-s.done:
	case <-time.After(2 * time.Second):
	}
}

func (h *janusHandle) url() string { return h.s.url() + "/" + strconv.FormatInt(h.id, 10) }

// request sends a plugin message and returns the plugin's reply: the
// synchronous "success" for synchronous verbs, else the asynchronous "event"
// carrying the same transaction. The JSEP of the reply, if any, is returned
// as the second value.
func (h *janusHandle) request(body janusMsg, jsep janusMsg, timeout time.Duration) (map[string]any, janusMsg, error) {
	tx := newTransaction()
	ch := make(chan janusMsg, 1)
	h.s.mu.Lock()
	h.s.waiters[tx] = ch
	h.s.mu.Unlock()
	msg := janusMsg{"janus": "message", "transaction": tx, "body": body}
	if jsep != nil {
		msg["jsep"] = jsep
	}
	m, err := h.s.post(h.url(), msg)
	if err != nil {
		h.forget(tx)
		return nil, nil, err
	}
	if m["janus"] != "ack" {
		h.forget(tx)
	} else {
		select {
		case m = <-ch:
		case <-time.After(timeout):
			h.forget(tx)
			return nil, nil, fmt.Errorf("no reply to %v within %v", body["request"], timeout)
		}
	}
	pd, _ := m["plugindata"].(map[string]any)
	data, _ := pd["data"].(map[string]any)
	if data == nil {
		return nil, nil, fmt.Errorf("reply without plugindata: %v", m)
	}
	if e, bad := data["error"]; bad {
		return data, nil, errors.New(fmt.Sprint(e))
	}
	js, _ := m["jsep"].(map[string]any)
	return data, js, nil
}

func (h *janusHandle) forget(tx string) {
	h.s.mu.Lock()
	delete(h.s.waiters, tx)
	h.s.mu.Unlock()
}

func (h *janusHandle) trickleCompleted() {
	_, _ = h.s.post(h.url(), janusMsg{"janus": "trickle", "transaction": newTransaction(),
		"candidate": janusMsg{"completed": true}})
}

// waitEvent waits for a core event of this handle ("webrtcup", "hangup"...).
func (h *janusHandle) waitEvent(kind string, timeout time.Duration) error {
	deadline := time.After(timeout)
	for {
		select {
		case m := <-h.events:
			if m["janus"] == kind {
				return nil
			}
		case <-deadline:
			return fmt.Errorf("handle %d: no %q within %v", h.id, kind, timeout)
		}
	}
}
