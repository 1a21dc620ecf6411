/**
 * The upload list of the Files tab: tus-js-client uploads with progress, speed, time left, pause,
 * resume and cancel. Upload URLs are remembered in localStorage (tus-js-client's URL storage,
 * fingerprinted by room, folder and file), so after a reload, a closed laptop or a lost network,
 * adding the same file again continues from the last byte the server has. Module state: uploads
 * keep running while the tab is switched.
 *
 * Two ways to stop short (uploadErrors.ts): `interrupted` (network, passing server trouble, a full
 * disk) keeps everything for Resume; `failed` (the server refused the file: size, quota, read-only
 * folder, upload rights) is final: no retry, no Resume, and the remembered upload URL is dropped
 * (and the server asked to delete what it has), so a reload or picking the file again never
 * resumes a refused upload.
 */
import { reactive } from 'vue';
import { DetailedError, Upload, defaultOptions, type PreviousUpload } from 'tus-js-client';
import { TUS_PATH } from '@protocol/files-constants.js';
import { SpeedMeter } from './speed';
import { failureMessage, failureOf, retriesByItself } from './uploadErrors';

/** `interrupted`: stopped, resumable (network, disk full). `failed`: refused by the server, final. */
export type UploadStatus = 'queued' | 'uploading' | 'paused' | 'done' | 'interrupted' | 'failed' | 'cancelled';

export interface UploadItem {
  key: number;
  roomId: number;
  folderId: number | null;
  name: string;
  size: number;
  sent: number;
  status: UploadStatus;
  /** Bytes per second (smoothed), 0 when unknown. */
  speed: number;
  /** Seconds left, null when unknown. */
  eta: number | null;
  error: string;
  /** Continued an upload started before (after a reload). */
  resumed: boolean;
  /** A refused upload has been forgotten: its URL dropped and the server asked to delete it. */
  released?: boolean;
  /** The server accepted the upload (its size now counts against the room's storage). */
  reserved?: boolean;
}

/** An upload started earlier (another page load) that the server still waits for. */
export interface UnfinishedUpload {
  storageKey: string;
  roomId: number;
  folderId: number | null;
  name: string;
  size: number;
  createdAt: string;
}

export const uploads = reactive<UploadItem[]>([]);
const tusByKey = new Map<number, Upload>();
const meters = new Map<number, SpeedMeter>();
let nextKey = 1;

const endpoint = () => `${location.origin}${TUS_PATH}`;

/** The same file into the same room and folder resumes; anywhere else it is a new upload. */
const fingerprintOf = (roomId: number, folderId: number | null) => async (file: File) =>
  ['commonroom', roomId, folderId ?? 0, file.name, file.size, file.lastModified].join(':');

/** The HTTP status of a failed tus request (0: no answer, a network error) and the body it came with. */
function answerOf(err: Error): { status: number; body: string } {
  if (err instanceof DetailedError && err.originalResponse) return { status: err.originalResponse.getStatus(), body: err.originalResponse.getBody() ?? '' };
  return { status: 0, body: '' };
}

/**
 * A refused upload is forgotten: its remembered URL goes (so neither the "unfinished uploads" list
 * nor picking the file again resumes it) and the server is asked to delete what it has (freeing the
 * room quota it reserved; the server's sweeper does it anyway if this request is lost).
 */
async function forget(up: Upload): Promise<void> {
  const stored = await up.findPreviousUploads().catch(() => [] as PreviousUpload[]);
  await Promise.all(stored.map((p) => defaultOptions.urlStorage.removeUpload(p.urlStorageKey).catch(() => undefined)));
  if (up.url) await Upload.terminate(up.url, { retryDelays: [] }).catch(() => undefined);
}

function item(key: number): UploadItem | undefined {
  return uploads.find((u) => u.key === key);
}

export function addUpload(file: File, roomId: number, folderId: number | null, onDone?: (fileId: number | null) => void): number {
  const key = nextKey++;
  uploads.unshift({ key, roomId, folderId, name: file.name, size: file.size, sent: 0, status: 'queued', speed: 0, eta: null, error: '', resumed: false });
  const meter = new SpeedMeter();
  meters.set(key, meter);
  /** Bytes the server confirmed (progress counts bytes handed to the network, even of a refused request). */
  let accepted = 0;
  const up = new Upload(file, {
    endpoint: endpoint(),
    metadata: { roomId: String(roomId), filename: file.name, ...(folderId ? { folderId: String(folderId) } : {}) },
    fingerprint: fingerprintOf(roomId, folderId),
    chunkSize: 16 * 1024 * 1024,
    retryDelays: [0, 1000, 3000, 5000, 10_000, 20_000],
    removeFingerprintOnSuccess: true,
    // Refusals (permissions, quota, size) are final; only network trouble and conflicts retry.
    // 507 (the server's disk is full) is shown at once: Resume continues once space is freed.
    onShouldRetry: (err) => retriesByItself(err.originalResponse?.getStatus() ?? 0),
    // The offset each PATCH starts from is what the server has confirmed (after a resume too).
    onUploadUrlAvailable: () => {
      const u = item(key);
      if (u) u.reserved = true;
    },
    onBeforeRequest: (req) => {
      if (req.getMethod() === 'PATCH') accepted = Number(req.getHeader('Upload-Offset')) || accepted;
    },
    onChunkComplete: (_chunk, bytesAccepted) => {
      accepted = bytesAccepted;
    },
    onProgress: (sent, total) => {
      const u = item(key);
      if (!u) return;
      u.sent = sent;
      const speed = meter.push(sent, performance.now());
      u.speed = speed;
      u.eta = speed > 0 ? (total - sent) / speed : null;
    },
    onSuccess: ({ lastResponse }) => {
      const u = item(key);
      if (u) {
        u.status = 'done';
        u.sent = u.size;
        u.eta = 0;
      }
      tusByKey.delete(key);
      const id = Number(lastResponse.getHeader('X-File-Id'));
      onDone?.(Number.isInteger(id) && id > 0 ? id : null);
    },
    onError: (err) => {
      const u = item(key);
      const { status, body } = answerOf(err);
      const failure = failureOf(status);
      if (u) {
        u.status = failure === 'refused' ? 'failed' : 'interrupted';
        u.error = failureMessage(status, body);
        // What the server has, not what left the browser.
        u.sent = accepted;
        u.speed = 0;
        u.eta = null;
      }
      if (failure === 'refused') {
        tusByKey.delete(key);
        void forget(up).then(() => {
          const x = item(key);
          if (x) x.released = true;
        });
      }
    },
  });
  tusByKey.set(key, up);
  void up.findPreviousUploads().then((previous) => {
    const u = item(key);
    if (!u || u.status === 'cancelled') return;
    const same = previous.find((p) => p.size === file.size);
    if (same) {
      up.resumeFromPreviousUpload(same);
      u.resumed = true;
    }
    u.status = 'uploading';
    up.start();
  });
  return key;
}

export function pauseUpload(key: number): void {
  const u = item(key);
  const up = tusByKey.get(key);
  if (!u || !up || u.status !== 'uploading') return;
  u.status = 'paused';
  u.speed = 0;
  u.eta = null;
  void up.abort();
}

export function resumeUpload(key: number): void {
  const u = item(key);
  const up = tusByKey.get(key);
  if (!u || !up || (u.status !== 'paused' && u.status !== 'interrupted')) return;
  u.status = 'uploading';
  u.error = '';
  meters.get(key)?.reset();
  up.start();
}

export async function cancelUpload(key: number): Promise<void> {
  const u = item(key);
  const up = tusByKey.get(key);
  if (!u) return;
  // A refused upload is already forgotten: its row just leaves the list.
  if (u.status === 'failed') return void uploads.splice(uploads.indexOf(u), 1);
  u.status = 'cancelled';
  tusByKey.delete(key);
  // Terminate: the server deletes what it has (and frees the quota it reserved).
  if (up) await up.abort(true).catch(() => undefined);
}

export function clearFinished(): void {
  for (let i = uploads.length - 1; i >= 0; i--) {
    const s = uploads[i]!.status;
    if (s === 'done' || s === 'cancelled' || s === 'failed') uploads.splice(i, 1);
  }
}

/** Uploads of this room that an earlier page load left unfinished (pick the same file to resume). */
export async function unfinishedUploads(roomId: number): Promise<UnfinishedUpload[]> {
  const all: PreviousUpload[] = await defaultOptions.urlStorage.findAllUploads().catch(() => []);
  const running = new Set(uploads.filter((u) => u.status !== 'done' && u.status !== 'cancelled' && u.status !== 'failed').map((u) => `${u.name}:${u.size}`));
  return all
    .filter((p) => Number(p.metadata.roomId) === roomId && !running.has(`${p.metadata.filename}:${p.size}`))
    .map((p) => ({
      storageKey: p.urlStorageKey,
      roomId,
      folderId: p.metadata.folderId ? Number(p.metadata.folderId) : null,
      name: p.metadata.filename ?? 'file',
      size: p.size ?? 0,
      createdAt: p.creationTime,
    }));
}

/** Forgets (and asks the server to delete) an unfinished upload from an earlier page load. */
export async function discardUnfinished(storageKey: string): Promise<void> {
  const all = await defaultOptions.urlStorage.findAllUploads().catch(() => [] as PreviousUpload[]);
  const p = all.find((x) => x.urlStorageKey === storageKey);
  if (p?.uploadUrl) await Upload.terminate(p.uploadUrl, {}).catch(() => undefined);
  await defaultOptions.urlStorage.removeUpload(storageKey);
}
