/**
 * The PeerJS side of a call: one Peer bound to our server (never the public PeerJS cloud or public
 * ICE servers: host, port, path, key, secure and iceServers are always explicit), one
 * MediaConnection per other participant, track swaps with RTCRtpSender.replaceTrack (no
 * renegotiation), sender encodings by head count, and reconnection. peerjs is imported lazily.
 */
import type { MediaConnection, Peer as PeerType } from 'peerjs';
import { reactive, ref, shallowReactive } from 'vue';
import type { CallJoinResult } from '@protocol/calls.js';
import { isCaller, planMesh } from './mesh';
import { videoEncodingFor } from './quality';

export type SignalState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';

interface Link {
  call: MediaConnection;
  outgoing: boolean;
  startedAt: number;
  gotStream: boolean;
}

/** How long a placed call may go without media before it is tried again. */
const NO_MEDIA_RETRY_MS = 12_000;

export function usePeerMesh(opts: {
  /** The stream sent to peers (its tracks are swapped in place as devices change). */
  outgoing: () => MediaStream;
  /** Fresh token (resume with the same peer id) before the Peer reconnects. */
  refreshToken: () => Promise<string | null>;
  /** Everyone in the call by peer id, me included. */
  roster: () => string[];
  screen: () => boolean;
}) {
  let peer: PeerType | null = null;
  let myId = '';
  const links = new Map<string, Link>();
  /** Remote streams by peer id (each a single MediaStream carrying audio + video). */
  const streams = shallowReactive(new Map<string, MediaStream>());
  const signal = ref<SignalState>('idle');
  const linkStates = reactive<Record<string, RTCIceConnectionState | 'new'>>({});
  /** PeerJS connection id per peer: it stays the same across track swaps (no renegotiation). */
  const linkIds = reactive<Record<string, string>>({});
  let timer: ReturnType<typeof setInterval> | undefined;
  let reconnecting = false;
  let destroyed = false;

  async function connect(join: CallJoinResult): Promise<void> {
    const { Peer } = await import('peerjs');
    destroyed = false;
    myId = join.peerId;
    const secure = location.protocol === 'https:';
    const port = join.peerServer.port ?? Number(location.port || (secure ? 443 : 80));
    signal.value = 'connecting';
    peer = new Peer(join.peerId, {
      host: location.hostname,
      port,
      path: join.peerServer.path,
      key: join.peerServer.key,
      secure,
      token: join.token,
      config: { iceServers: join.iceServers },
      debug: 0,
    });
    peer.on('open', () => {
      signal.value = 'open';
      reconcile();
    });
    peer.on('call', (call) => adopt(call));
    peer.on('disconnected', () => void reconnect());
    peer.on('error', (err) => {
      // A peer that is not connected (yet): its entry is dropped and the next pass tries again.
      if (err.type === 'peer-unavailable') {
        const id = /peer (\S+)$/.exec(err.message)?.[1];
        if (id) drop(id);
        return;
      }
      if (err.type === 'network' || err.type === 'socket-error' || err.type === 'socket-closed' || err.type === 'server-error') void reconnect();
    });
    timer = setInterval(tick, 2000);
  }

  /** The signalling socket dropped: get a fresh token, then reconnect with the same id. */
  async function reconnect(): Promise<void> {
    if (!peer || destroyed || reconnecting) return;
    reconnecting = true;
    signal.value = 'reconnecting';
    try {
      for (let attempt = 0; !destroyed && peer && !peer.destroyed; attempt++) {
        if (!peer.disconnected && peer.open) break;
        const token = await opts.refreshToken().catch(() => null);
        if (token && peer && !peer.destroyed) {
          (peer.options as { token?: string }).token = token;
          if (peer.disconnected) peer.reconnect();
          if (await waitOpen(5000)) break;
        }
        await new Promise((r) => setTimeout(r, Math.min(8000, 500 * 2 ** attempt)));
      }
    } finally {
      reconnecting = false;
    }
  }

  function waitOpen(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      if (!peer) return resolve(false);
      const p = peer;
      const t = setTimeout(() => {
        p.off('open', done);
        resolve(false);
      }, ms);
      function done() {
        clearTimeout(t);
        resolve(true);
      }
      p.once('open', done);
    });
  }

  function adopt(call: MediaConnection): void {
    const existing = links.get(call.peer);
    if (existing) {
      // Both sides called at once (roster lag): the rule picks the caller's connection.
      if (existing.outgoing && isCaller(myId, call.peer) && !existing.gotStream) {
        call.close();
        return;
      }
      existing.call.close();
    }
    track(call, false);
    call.answer(opts.outgoing());
  }

  function place(peerId: string): void {
    if (!peer || !peer.open || peer.disconnected) return;
    const call = peer.call(peerId, opts.outgoing());
    if (call) track(call, true);
  }

  function track(call: MediaConnection, outgoing: boolean): void {
    const link: Link = { call, outgoing, startedAt: Date.now(), gotStream: false };
    links.set(call.peer, link);
    linkStates[call.peer] = 'new';
    linkIds[call.peer] = call.connectionId;
    // 'stream' fires once per track: the first one carries the whole stream.
    call.once('stream', (remote: MediaStream) => {
      link.gotStream = true;
      streams.set(call.peer, remote);
      tune(call);
    });
    const pc = call.peerConnection;
    pc?.addEventListener('iceconnectionstatechange', () => {
      linkStates[call.peer] = pc.iceConnectionState;
      if (pc.iceConnectionState === 'failed') drop(call.peer, call);
    });
    call.on('close', () => drop(call.peer, call));
    call.on('error', () => drop(call.peer, call));
  }

  function drop(peerId: string, only?: MediaConnection): void {
    const link = links.get(peerId);
    if (!link || (only && link.call !== only)) return;
    links.delete(peerId);
    streams.delete(peerId);
    delete linkStates[peerId];
    delete linkIds[peerId];
    try {
      link.call.close();
    } catch {
      /* already closed */
    }
  }

  function reconcile(): void {
    if (!peer || destroyed) return;
    const plan = planMesh(myId, opts.roster(), new Set(links.keys()));
    for (const id of plan.close) drop(id);
    for (const id of plan.call) place(id);
    tuneAll();
  }

  function tick(): void {
    const now = Date.now();
    for (const [id, link] of links) if (!link.gotStream && now - link.startedAt > NO_MEDIA_RETRY_MS) drop(id);
    reconcile();
  }

  function senders(kind: 'audio' | 'video'): RTCRtpSender[] {
    const out: RTCRtpSender[] = [];
    for (const { call } of links.values()) {
      for (const s of call.peerConnection?.getSenders() ?? []) if (s.track?.kind === kind || (!s.track && kindOfSender(call.peerConnection, s) === kind)) out.push(s);
    }
    return out;
  }

  /** Swaps the track every peer receives, without renegotiating. */
  async function replaceTrack(kind: 'audio' | 'video', track: MediaStreamTrack): Promise<void> {
    await Promise.all(senders(kind).map((s) => s.replaceTrack(track).catch(() => {})));
    tuneAll();
  }

  function tune(call: MediaConnection): void {
    const enc = videoEncodingFor(opts.roster().length, opts.screen());
    for (const s of call.peerConnection?.getSenders() ?? []) {
      if (s.track?.kind !== 'video') continue;
      const params = s.getParameters();
      if (!params.encodings?.length) continue;
      const e = params.encodings[0]!;
      if (e.maxBitrate === enc.maxBitrate && e.scaleResolutionDownBy === enc.scaleResolutionDownBy) continue;
      Object.assign(e, enc);
      s.setParameters(params).catch(() => {});
    }
  }
  function tuneAll(): void {
    for (const { call } of links.values()) tune(call);
  }

  function destroy(): void {
    destroyed = true;
    clearInterval(timer);
    for (const id of [...links.keys()]) drop(id);
    peer?.destroy();
    peer = null;
    signal.value = 'closed';
  }

  /** For the join-to-first-frame figure and tests: the current RTCPeerConnection per peer. */
  function connectionOf(peerId: string): RTCPeerConnection | undefined {
    return links.get(peerId)?.call.peerConnection;
  }

  return { connect, destroy, reconcile, replaceTrack, tuneAll, streams, signal, linkStates, linkIds, connectionOf, reconnect };
}

function kindOfSender(pc: RTCPeerConnection, s: RTCRtpSender): string | undefined {
  return pc.getTransceivers().find((t) => t.sender === s)?.receiver.track.kind;
}
