// Browser end-to-end: Debian's Chromium, headless, on the *stock*
// videoroomtest.html from janus-demos (a local copy with a fixed settings.js,
// tests/harness/prepare-demos.sh). Page A publishes its fake camera; page B
// opens the demo in subscriber mode, subscribes to A, and must decode video:
// framesDecoded of its inbound video must rise.
//
// Run inside a harness instance (it needs SC_NS_JANUS, SC_JANUS_IP, SC_STATE):
//   tests/harness/with-janus.sh --mode compat -- node tests/browser/videoroom_demo.test.js
//
// Where Chromium runs, and why ICE works: Chromium runs in the *client*
// namespace (with-janus.sh executes this script there), whose only
// non-loopback interface is the veth end 127.0.N.2/24; Janus runs in the peer
// namespace on 127.0.N.1 and gathers its host candidate there (ice_enforce_list).
// The page is served from 127.0.N.1 (a static server in the Janus namespace),
// so settings.js reaches Janus's REST API at location.hostname:8088 and
// no address outside 127/8 is ever involved. Chromium's own candidates on
// 127.x may be dropped or mDNS-masked, which does not matter: its
// connectivity checks reach 127.0.N.1 from 127.0.N.2 across the veth
// (route_localnet=1, lo's 127/8 local route narrowed), and Janus (full ICE)
// answers the peer-reflexive address they come from. Running Chromium in the
// Janus namespace instead would make both ends local and prove less.
'use strict';
const { chromium } = require('playwright-core');
const { spawn, execFileSync } = require('child_process');
const path = require('path');
const http = require('http');

const env = (k) => {
  if (!process.env[k]) throw new Error(`${k} not set: run under tests/harness/with-janus.sh`);
  return process.env[k];
};
// SC_DEMO_URL=http://localhost:8000 checks a running scripts/demo.sh instead
// (Chromium then runs wherever this script runs, normally the root namespace).
const demoUrl = process.env.SC_DEMO_URL || '';
const nsJanus = demoUrl ? '' : env('SC_NS_JANUS');
const janusIp = demoUrl ? '' : env('SC_JANUS_IP');
const state = demoUrl ? '' : env('SC_STATE');
const base = demoUrl || `http://${janusIp}:8000`;
const mode = process.env.SC_MODE || '?';
const webPort = 8000;
const room = process.env.SC_ROOM || '1234';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// SC_EXPECT_PATH=kernel: every subscriber leg must be served by the kernel
// (SwiftCall's query_session via the admin API) while framesDecoded rises.
const expectPath = process.env.SC_EXPECT_PATH || '';

function adminPost(suffix, body) {
  const url = new URL(env('SC_ADMIN_URL') + suffix);
  const data = JSON.stringify({ transaction: Math.random().toString(36).slice(2),
    admin_secret: env('SC_ADMIN_SECRET'), ...body });
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { 'Content-Type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (c) => { text += c; });
      res.on('end', () => { try { resolve(JSON.parse(text)); } catch (e) { reject(e); } });
    });
    req.on('error', reject);
    req.setTimeout(5000, () => req.destroy(new Error('admin timeout')));
    req.end(data);
  });
}

// The streams of every SwiftCall subscriber handle, from handle_info.
async function subscriberStreams() {
  const out = [];
  const sessions = (await adminPost('', { janus: 'list_sessions' })).sessions || [];
  for (const s of sessions) {
    const handles = (await adminPost(`/${s}`, { janus: 'list_handles' })).handles || [];
    for (const h of handles) {
      const info = (await adminPost(`/${s}/${h}`, { janus: 'handle_info' })).info || {};
      const ps = info.plugin_specific || {};
      if (ps.role === 'subscriber') out.push(...(ps.streams || []));
    }
  }
  return out;
}

function get(url) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, (res) => { res.resume(); resolve(res.statusCode); });
    req.on('error', reject);
    req.setTimeout(2000, () => req.destroy(new Error('timeout')));
  });
}

// Every RTCPeerConnection the demo (janus.js) creates is recorded, so the
// test reads getStats() from the very objects that carry the media.
const recordPeerConnections = () => {
  const Native = window.RTCPeerConnection;
  window.__pcs = [];
  window.RTCPeerConnection = function (...args) {
    const pc = new Native(...args);
    window.__pcs.push(pc);
    return pc;
  };
  window.RTCPeerConnection.prototype = Native.prototype;
  Object.setPrototypeOf(window.RTCPeerConnection, Native);
};

async function videoStats(page) {
  return page.evaluate(async () => {
    const out = { framesDecoded: 0, framesEncoded: 0, pcs: 0, states: [] };
    for (const pc of window.__pcs || []) {
      out.pcs++;
      out.states.push(pc.connectionState);
      const stats = await pc.getStats();
      stats.forEach((s) => {
        if (s.type === 'inbound-rtp' && s.kind === 'video') out.framesDecoded += s.framesDecoded || 0;
        if (s.type === 'outbound-rtp' && s.kind === 'video') out.framesEncoded += s.framesEncoded || 0;
      });
    }
    return out;
  });
}

async function waitFor(what, fn, timeoutMs) {
  const end = Date.now() + timeoutMs;
  let last;
  while (Date.now() < end) {
    last = await fn();
    if (last.ok) return last;
    await sleep(500);
  }
  throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last)}`);
}

async function openDemo(browser, name, query, log) {
  const context = await browser.newContext();
  await context.addInitScript(recordPeerConnections);
  const page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') log.push(`${name} console: ${m.text()}`); });
  page.on('pageerror', (e) => log.push(`${name} pageerror: ${e.message}`));
  await page.goto(`${base}/videoroomtest.html?room=${room}${query}`);
  await page.click('#start');
  await page.waitForSelector('#username', { state: 'visible', timeout: 30000 });
  await page.fill('#username', name);
  await page.click('#register');
  return page;
}

async function main() {
  let server = null;
  if (!demoUrl) {
    const demos = path.join(state, 'demos');
    execFileSync('sh', [path.join(__dirname, '..', 'harness', 'prepare-demos.sh'), demos]);
    // The static server lives in the Janus namespace, on Janus's address.
    server = spawn('ip', ['netns', 'exec', nsJanus, '/usr/bin/python3', '-m', 'http.server',
      String(webPort), '--bind', janusIp, '--directory', demos], { stdio: 'ignore' });
  }
  const log = [];
  let browser;
  try {
    await waitFor('demo web server', async () => {
      try { return { ok: (await get(`${base}/videoroomtest.html`)) === 200 }; } catch (e) { return { ok: false, e: e.message }; }
    }, 15000);
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      headless: false, // --headless=new is passed explicitly below
      args: ['--headless=new', '--no-sandbox', '--disable-gpu',
        '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
        '--no-first-run', '--disable-quic'],
      // A fresh --user-data-dir: playwright's launch() always creates a new
      // temporary profile directory (and refuses an explicit one).
    });
    const pub = await openDemo(browser, 'alice', '', log);
    const p = await waitFor('publisher to send video', async () => {
      const s = await videoStats(pub);
      return { ok: s.framesEncoded > 10 && s.states.includes('connected'), ...s };
    }, 45000);
    console.log(`publisher page: ${JSON.stringify(p)}`);
    const sub = await openDemo(browser, 'bob', '&subscriber-mode=yes', log);
    const s1 = await waitFor('subscriber to decode video', async () => {
      const s = await videoStats(sub);
      return { ok: s.framesDecoded > 0, ...s };
    }, 45000);
    let before = null;
    if (expectPath) {
      before = await waitFor(`subscriber legs on the ${expectPath} path`, async () => {
        const streams = await subscriberStreams();
        return { ok: streams.length > 0 && streams.every((st) => st.path === expectPath), streams };
      }, 20000);
      const v = await videoStats(sub);
      s1.framesDecoded = v.framesDecoded;  // count only frames decoded from here on
    }
    // framesDecoded must rise in every window of the hold, not just overall:
    // a stream that froze after a second (issue 13) fails the window it
    // froze in. SC_HOLD_SECONDS (default 3) is the whole hold.
    const hold = Number(process.env.SC_HOLD_SECONDS || 3);
    const windowSec = Math.min(5, hold);
    let s2 = s1;
    for (let t = 0; t < hold; t += windowSec) {
      const w0 = await videoStats(sub);
      await sleep(windowSec * 1000);
      s2 = await videoStats(sub);
      const rise = s2.framesDecoded - w0.framesDecoded;
      const pubNow = await videoStats(pub);
      console.log(`t=${t + windowSec}s: framesDecoded +${rise}, subscriber ${s2.states}, publisher ${pubNow.states}`);
      if (rise < windowSec * 5) {
        throw new Error(`framesDecoded rose only ${rise} in ${windowSec} s at t=${t + windowSec} s`);
      }
    }
    if (expectPath) {
      const after = await subscriberStreams();
      console.log(`subscriber legs: ${JSON.stringify(after.map((st) => [st.mid, st.path, st.path_reason, st.skipped_for_kernel, st.packets_out]))}`);
      if (!after.every((st) => st.path === expectPath)) throw new Error(`a leg left the ${expectPath} path: ${JSON.stringify(after)}`);
      if (expectPath === 'kernel') {
        // The kernel, not Janus, carried the frames counted above.
        const served = (list) => list.reduce((n, st) => n + (st.skipped_for_kernel || 0), 0);
        const user = (list) => list.reduce((n, st) => n + (st.packets_out || 0), 0);
        const kernelRise = served(after) - served(before.streams);
        const userRise = user(after) - user(before.streams);
        console.log(`in ${hold} s: kernel served ${kernelRise} packets, user path sent ${userRise}`);
        if (kernelRise < 33 * hold || userRise > kernelRise / 20) {
          throw new Error(`kernel served ${kernelRise}, user path ${userRise}: not the kernel path`);
        }
      }
    }
    console.log(`subscriber page: framesDecoded ${s1.framesDecoded} -> ${s2.framesDecoded} in ${hold} s`);
    const remoteName = await sub.evaluate(() => (document.querySelector('#remote1') || {}).textContent || '');
    if (!remoteName.includes('alice')) throw new Error(`subscriber page shows remote "${remoteName}", expected alice`);
    console.log(`PASS [${mode}]`);
  } finally {
    if (browser) await browser.close().catch(() => {});
    if (server) server.kill('SIGTERM');
    if (log.length) console.log(log.slice(0, 20).join('\n'));
  }
}

main().then(() => process.exit(0), (e) => {
  console.log(`FAIL [${mode}]: ${e.message}`);
  process.exit(1);
});
