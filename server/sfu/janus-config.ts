/**
 * The Janus configuration we generate into DATA_DIR/janus on every start (pure: text out, no I/O).
 * Only what we use is loaded: the VideoRoom and Streaming plugins and the WebSocket transport,
 * bound to 127.0.0.1 and guarded by an API secret only our server holds. Browsers never talk to
 * Janus's API; they reach it only with ICE/DTLS media that our server negotiated for them.
 */
import { turnCredentials } from '../calls/token.js';
import type { AppConfig } from '../config.js';

export interface JanusFiles {
  [file: string]: string;
}

const PLUGINS = ['libjanus_videoroom.so', 'libjanus_streaming.so'];
const ALL_PLUGINS = [
  'libjanus_audiobridge.so',
  'libjanus_duktape.so',
  'libjanus_echotest.so',
  'libjanus_lua.so',
  'libjanus_nosip.so',
  'libjanus_recordplay.so',
  'libjanus_sip.so',
  'libjanus_textroom.so',
  'libjanus_videocall.so',
  'libjanus_voicemail.so',
  ...PLUGINS,
];
const ALL_TRANSPORTS = ['libjanus_http.so', 'libjanus_mqtt.so', 'libjanus_nanomsg.so', 'libjanus_pfunix.so', 'libjanus_rabbitmq.so', 'libjanus_websockets.so'];

/** A quoted libconfig string (our values never contain quotes, but be safe). */
const q = (s: string) => `"${s.replace(/["\\]/g, '')}"`;

/** `stun:host:port` / `turn:host:port?transport=udp` -> host and port for Janus's nat section. */
export function hostPort(url: string, defaultPort: number): { host: string; port: number; transport: string } | null {
  const m = /^(?:stuns?|turns?):([^:?/]+|\[[^\]]+\])(?::(\d+))?(?:\?transport=(udp|tcp))?$/.exec(url);
  if (!m) return null;
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port: m[2] ? Number(m[2]) : defaultPort, transport: m[3] ?? 'udp' };
}

export function janusFiles(opts: {
  dir: string;
  apiSecret: string;
  wsPort: number;
  rtpPorts: [number, number];
  ice: AppConfig['ice'];
  now: number;
  libDir?: string;
}): JanusFiles {
  const lib = opts.libDir ?? '/usr/lib/x86_64-linux-gnu/janus';
  const nat: string[] = ['nice_debug = false', 'ice_ignore_list = "vmnet"', 'full_trickle = false', 'ignore_mdns = false'];
  const stun = opts.ice.stunUrls.map((u) => hostPort(u, 3478)).find(Boolean);
  if (stun) nat.push(`stun_server = ${q(stun.host)}`, `stun_port = ${stun.port}`);
  const turn = opts.ice.turnSecret ? opts.ice.turnUrls.map((u) => hostPort(u, 3478)).find(Boolean) : undefined;
  if (turn && opts.ice.turnSecret) {
    // Janus keeps one credential for its life; a day-long one is renewed on every (re)start.
    const cred = turnCredentials(opts.ice.turnSecret, 0, opts.now, 24 * 3600);
    nat.push(`turn_server = ${q(turn.host)}`, `turn_port = ${turn.port}`, `turn_type = ${q(turn.transport)}`, `turn_user = ${q(cred.username)}`, `turn_pwd = ${q(cred.credential)}`);
  }
  return {
    'janus.jcfg': `general: {
  configs_folder = ${q(opts.dir)}
  plugins_folder = ${q(`${lib}/plugins`)}
  transports_folder = ${q(`${lib}/transports`)}
  events_folder = ${q(`${lib}/events`)}
  loggers_folder = ${q(`${lib}/loggers`)}
  debug_level = 3
  log_to_stdout = true
  api_secret = ${q(opts.apiSecret)}
  token_auth = false
  session_timeout = 60
  server_name = "commonroom-janus"
}
media: {
  rtp_port_range = "${opts.rtpPorts[0]}-${opts.rtpPorts[1]}"
}
nat: {
  ${nat.join('\n  ')}
}
plugins: {
  disable = ${q(ALL_PLUGINS.filter((p) => !PLUGINS.includes(p)).join(','))}
}
transports: {
  disable = ${q(ALL_TRANSPORTS.filter((t) => t !== 'libjanus_websockets.so').join(','))}
}
events: {
  broadcast = false
}
loggers: {
  disable = "libjanus_jsonlog.so"
}
`,
    'janus.transport.websockets.jcfg': `general: {
  json = "plain"
  ws = true
  ws_port = ${opts.wsPort}
  ws_ip = "127.0.0.1"
  wss = false
}
admin: {
  admin_ws = false
  admin_wss = false
}
`,
    // Rooms and mountpoints are created at run time by our server (with secrets), none from files.
    'janus.plugin.videoroom.jcfg': `general: {
  admin_key = ${q(opts.apiSecret)}
  lock_rtp_forward = true
}
`,
    'janus.plugin.streaming.jcfg': `general: {
  admin_key = ${q(opts.apiSecret)}
  rtp_port_range = "${opts.rtpPorts[0]}-${opts.rtpPorts[1]}"
}
`,
  };
}
