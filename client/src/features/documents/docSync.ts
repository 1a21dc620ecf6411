/**
 * Keeps a Y.Doc and its awareness (who is here, their cursors) in step with the server over our
 * one Socket.IO connection. Framework-free so the server's integration tests drive the very same
 * code with socket.io-client.
 *
 * - On every (re)connection it re-opens the document: it sends its state vector, applies what it
 *   lacked, then sends its own edits the server has not acknowledged (edits made offline).
 * - Local edits queue up; one `doc:update` is in flight at a time, carrying every queued edit
 *   merged (up to the size cap), and leaves the queue only once the server acknowledged it stored.
 *   One edit larger than the cap (a big paste) goes alone, in parts the server reassembles.
 * - Awareness (cursor, name, colour) is sent at most every 100 ms.
 */
import * as Y from 'yjs';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate, removeAwarenessStates } from 'y-protocols/awareness';
import type { DocOpened } from '../../../../protocol/docs-events.js';
import { DOC_UPDATE_MAX_BYTES, DOC_UPDATE_PARTS_MAX } from '../../../../protocol/docs-constants.js';

export interface DocTransport {
  /** Sends a command; resolves with the ack's data or rejects with an error carrying `code`. */
  command<T>(name: string, payload: Record<string, unknown>): Promise<T>;
  on(event: string, fn: (payload: any) => void): void;
  off(event: string, fn: (payload: any) => void): void;
  /** Calls `fn` after every (re)connection; returns an unsubscribe. */
  onConnect(fn: () => void): () => void;
  connected(): boolean;
}

export type SyncStatus = 'connecting' | 'synced' | 'saving' | 'offline' | 'closed';

const ORIGIN = Symbol('server');
const bytes = (b: Uint8Array | ArrayBuffer): Uint8Array => (b instanceof Uint8Array ? b : new Uint8Array(b));

/** True when `ydoc` holds structs (inserted text) beyond state vector `theirs`. */
function lacksText(theirs: Uint8Array, ydoc: Y.Doc): boolean {
  let sv: Map<number, number>;
  try {
    sv = Y.decodeStateVector(theirs);
  } catch {
    return false;
  }
  for (const [client, clock] of Y.decodeStateVector(Y.encodeStateVector(ydoc))) if (clock > (sv.get(client) ?? 0)) return true;
  return false;
}

export class DocSync {
  readonly awareness: Awareness;
  status: SyncStatus = 'connecting';
  canEdit = true;
  opened: DocOpened['doc'] | null = null;
  /** A code pad's latest runs, as of the last (re)open. */
  runs: DocOpened['runs'] = [];
  /** Local updates not yet acknowledged as stored. */
  private pending: Uint8Array[] = [];
  private inFlight = false;
  /** Bumped on every disconnect: an ack arriving for an older connection's request is ignored. */
  private epoch = 0;
  private synced = false;
  private destroyed = false;
  private awarenessTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly listeners = new Set<(s: DocSync) => void>();
  private readonly unsubscribe: (() => void)[] = [];
  /** Called when the server refuses an edit (it is dropped) or the document closes. */
  onError: (err: { code?: string; message: string }) => void = () => {};

  constructor(
    private readonly transport: DocTransport,
    readonly roomId: number,
    readonly docId: number,
    readonly ydoc: Y.Doc = new Y.Doc(),
  ) {
    this.awareness = new Awareness(ydoc);
    const onDocUpdate = (update: Uint8Array, origin: unknown) => {
      if (origin === ORIGIN) return;
      this.pending.push(update);
      this.flush();
    };
    ydoc.on('update', onDocUpdate);
    this.unsubscribe.push(() => ydoc.off('update', onDocUpdate));

    const onAwareness = (_c: unknown, origin: unknown) => {
      if (origin === ORIGIN) return;
      if (this.awarenessTimer) return;
      this.awarenessTimer = setTimeout(() => {
        this.awarenessTimer = undefined;
        this.sendAwareness();
      }, 100);
    };
    this.awareness.on('update', onAwareness);
    this.unsubscribe.push(() => this.awareness.off('update', onAwareness));

    const onUpdated = (f: { docId: number; update: Uint8Array }) => {
      if (f.docId === this.docId) Y.applyUpdate(ydoc, bytes(f.update), ORIGIN);
    };
    const onRemoteAwareness = (f: { docId: number; update: Uint8Array }) => {
      if (f.docId === this.docId) applyAwarenessUpdate(this.awareness, bytes(f.update), ORIGIN);
    };
    const onRan = (f: { docId: number; run: DocOpened['runs'][number] }) => {
      if (f.docId === this.docId) this.addRun(f.run);
    };
    const onClosed = (f: { docId: number; reason: string }) => {
      if (f.docId !== this.docId) return;
      this.setStatus('closed');
      this.onError({ code: f.reason === 'deleted' ? 'NOT_FOUND' : 'NOT_MEMBER', message: f.reason === 'deleted' ? 'This document was deleted.' : 'You no longer have access to this document.' });
    };
    const onDisconnect = () => {
      this.epoch++;
      this.synced = false;
      this.inFlight = false;
      if (this.status !== 'closed') this.setStatus('offline');
      // Others' cursors are stale once we are cut off.
      removeAwarenessStates(this.awareness, [...this.awareness.getStates().keys()].filter((id) => id !== ydoc.clientID), ORIGIN);
    };
    transport.on('doc:updated', onUpdated);
    transport.on('doc:awareness', onRemoteAwareness);
    transport.on('doc:closed', onClosed);
    transport.on('doc:ran', onRan);
    transport.on('disconnect', onDisconnect);
    this.unsubscribe.push(() => {
      transport.off('doc:updated', onUpdated);
      transport.off('doc:awareness', onRemoteAwareness);
      transport.off('doc:closed', onClosed);
      transport.off('doc:ran', onRan);
      transport.off('disconnect', onDisconnect);
    });
    this.unsubscribe.push(transport.onConnect(() => void this.open()));
    if (transport.connected()) void this.open();
    else this.setStatus('offline');
  }

  /** Subscribes to status changes. */
  subscribe(fn: (s: DocSync) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Adds a run (mine, or someone else's as it arrives) to the pad's console history. */
  addRun(run: DocOpened['runs'][number]): void {
    if (this.runs.some((r) => r.id === run.id)) return;
    this.runs = [...this.runs, run].slice(-10);
    for (const fn of this.listeners) fn(this);
  }

  /** True when every local edit is stored on the server. */
  get saved(): boolean {
    return this.pending.length === 0 && this.synced;
  }

  private setStatus(s: SyncStatus): void {
    if (this.status === 'closed' && s !== 'closed') return;
    this.status = s;
    for (const fn of this.listeners) fn(this);
  }

  /** Opens (or re-opens after a reconnect) the document and exchanges what each side lacks. */
  async open(): Promise<void> {
    if (this.destroyed || this.status === 'closed') return;
    this.synced = false;
    this.setStatus('connecting');
    try {
      const r = await this.transport.command<DocOpened>('doc:open', { roomId: this.roomId, docId: this.docId, stateVector: Y.encodeStateVector(this.ydoc) });
      if (this.destroyed) return;
      Y.applyUpdate(this.ydoc, bytes(r.update), ORIGIN);
      if (r.awareness) applyAwarenessUpdate(this.awareness, bytes(r.awareness), ORIGIN);
      this.opened = r.doc;
      this.runs = r.runs ?? [];
      this.canEdit = r.canEdit;
      // Edits the server lacks go back too: ones it relayed here but never wrote (its author was not
      // acked: ADR 0031), or made here before this sync knew them. Only when it lacks inserted text
      // (state vectors differ), so an ordinary reopen sends nothing.
      if (r.canEdit && !this.inFlight && lacksText(bytes(r.stateVector), this.ydoc)) this.pending.unshift(Y.encodeStateAsUpdate(this.ydoc, bytes(r.stateVector)));
      this.synced = true;
      this.setStatus(this.pending.length ? 'saving' : 'synced');
      this.sendAwareness();
      this.flush();
    } catch (err) {
      const e = err as { code?: string; message: string };
      if (e.code === 'NOT_FOUND' || e.code === 'NOT_MEMBER') {
        this.setStatus('closed');
        this.onError(e);
      } else if (!this.transport.connected()) this.setStatus('offline');
      else this.onError(e);
    }
  }

  /** Sends queued edits, merged into one update of at most the size cap; one request at a time. */
  private flush(): void {
    if (!this.synced || this.inFlight || this.destroyed || this.pending.length === 0) {
      if (this.pending.length && !this.synced && this.status === 'synced') this.setStatus('saving');
      return;
    }
    let n = 0;
    let merged: Uint8Array = this.pending[0]!;
    for (let i = 1; i <= this.pending.length; i++) {
      n = i;
      if (i === this.pending.length) break;
      const next = Y.mergeUpdates(this.pending.slice(0, i + 1));
      if (next.byteLength > DOC_UPDATE_MAX_BYTES) break;
      merged = next;
    }
    this.inFlight = true;
    if (this.status !== 'saving') this.setStatus('saving');
    const batch = this.pending.slice(0, n);
    const epoch = this.epoch;
    let retryIn = 0;
    const sent = merged.byteLength > DOC_UPDATE_MAX_BYTES ? this.sendInParts(merged, epoch) : this.transport.command('doc:update', { roomId: this.roomId, docId: this.docId, update: merged });
    sent
      .then(() => {
        if (epoch === this.epoch) this.pending.splice(0, batch.length);
      })
      .catch((err: { code?: string; message: string }) => {
        if (epoch !== this.epoch || !this.transport.connected()) return; // kept; sent again after the reconnect
        if (err.code === 'TIMEOUT' || err.code === 'RATE_LIMITED') {
          retryIn = 1000; // kept; retried
          return;
        }
        this.pending.splice(0, batch.length); // refused: retrying would be refused again
        this.onError(err);
      })
      .finally(() => {
        if (epoch !== this.epoch) return;
        this.inFlight = false;
        if (this.destroyed) return;
        if (this.synced) this.setStatus(this.pending.length ? 'saving' : 'synced');
        if (this.pending.length) setTimeout(() => this.flush(), retryIn);
      });
  }

  /**
   * Sends one update larger than a socket message (a big paste) as ordered parts; the server
   * reassembles and stores it as one update, so it stays one step for undo and for the history.
   * Waits out rate limiting between parts; a reconnect abandons the upload (sent again whole).
   */
  private async sendInParts(update: Uint8Array, epoch: number): Promise<void> {
    const size = DOC_UPDATE_MAX_BYTES;
    const count = Math.ceil(update.byteLength / size);
    if (count > DOC_UPDATE_PARTS_MAX) throw { code: 'CONFLICT', message: 'This change is larger than a whole document.' };
    const upload = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`;
    for (let index = 0; index < count; ) {
      if (epoch !== this.epoch || this.destroyed) throw { code: 'TIMEOUT', message: 'Disconnected while sending.' };
      try {
        const part = update.slice(index * size, (index + 1) * size);
        await this.transport.command('doc:update', { roomId: this.roomId, docId: this.docId, update: part, part: { upload, index, count } });
        index++;
      } catch (err) {
        const e = err as { code?: string; retryAfter?: number };
        if (e.code !== 'RATE_LIMITED' || epoch !== this.epoch) throw err;
        await new Promise((r) => setTimeout(r, Math.max(1, e.retryAfter ?? 1) * 1000));
      }
    }
  }

  private sendAwareness(): void {
    if (!this.synced || this.destroyed) return;
    const update = encodeAwarenessUpdate(this.awareness, [this.ydoc.clientID]);
    this.transport.command('doc:awareness', { roomId: this.roomId, docId: this.docId, update }).catch(() => {});
  }

  /** Waits until every local edit is stored (tests, "leave page" checks). */
  whenSaved(timeoutMs = 10_000): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.saved) return resolve();
      const timer = setTimeout(() => {
        off();
        reject(new Error('not saved in time'));
      }, timeoutMs);
      const off = this.subscribe(() => {
        if (!this.saved) return;
        clearTimeout(timer);
        off();
        resolve();
      });
    });
  }

  destroy(): void {
    if (this.destroyed) return;
    clearTimeout(this.awarenessTimer);
    removeAwarenessStates(this.awareness, [this.ydoc.clientID], 'local');
    if (this.synced) {
      this.transport.command('doc:close', { roomId: this.roomId, docId: this.docId }).catch(() => {});
    }
    this.destroyed = true;
    for (const off of this.unsubscribe) off();
    this.awareness.destroy();
    this.listeners.clear();
  }
}
