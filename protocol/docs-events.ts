/**
 * Live documents' part of the socket contract (merged into events.ts).
 *
 * Who may do what: every member lists, opens and edits documents and creates new ones; muted
 * members may read but not write (`doc:update` and `doc:create` are refused with MUTED); the
 * creator or a moderator renames, re-languages and deletes. Yjs sync: `doc:open` sends the client's
 * state vector and gets back what it lacks plus the server's state vector; the client then sends
 * what the server lacks (edits made offline) as `doc:update`. Each `doc:update` is acknowledged only
 * once it is written to the database. Awareness (name, colour, cursor) is relayed, never stored.
 * History: every member reads the timeline and views past versions; naming and restoring are
 * writes (refused to muted members). A restore is an ordinary stored update by the restorer,
 * relayed as `doc:updated` to everyone who has the document open.
 */
import { z } from 'zod';
import { clientIdSchema } from './client-id.js';
import { AWARENESS_MAX_BYTES, DOC_UPDATE_MAX_BYTES, DOC_UPDATE_PARTS_MAX, DOC_VERSION_NAME_MAX } from './docs-constants.js';
import { userText } from './text.js';
import { bytesSchema, docIdSchema, docKindSchema, docLanguageSchema, docRunSchema, docTitleSchema, type DocHistory, type DocRun, type DocSummary, type DocVersion } from './docs.js';

const roomId = z.number().int().positive();
const docId = docIdSchema;
const upto = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
export const docVersionNameSchema = userText(DOC_VERSION_NAME_MAX);

export const docsCommandSchemas = {
  'doc:list': z.object({ roomId }).strict(),
  'doc:create': z
    .object({ roomId, title: docTitleSchema, kind: docKindSchema.default('note'), language: docLanguageSchema.optional(), clientId: clientIdSchema.optional() })
    .strict(),
  'doc:rename': z.object({ roomId, docId, title: docTitleSchema }).strict(),
  'doc:configure': z.object({ roomId, docId, language: docLanguageSchema }).strict(),
  'doc:delete': z.object({ roomId, docId }).strict(),
  /** Subscribes to a document; `stateVector` is what the client already has (empty when new). */
  'doc:open': z.object({ roomId, docId, stateVector: bytesSchema(64_000).optional() }).strict(),
  'doc:close': z.object({ roomId, docId }).strict(),
  /**
   * One Yjs update, or one part of a larger one (`part`: parts are sent in order, one upload per
   * socket at a time; the last part's ack says `stored: true` once the whole update is stored).
   */
  'doc:update': z
    .object({
      roomId,
      docId,
      update: bytesSchema(DOC_UPDATE_MAX_BYTES),
      part: z
        .object({
          upload: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/),
          index: z.number().int().min(0).max(DOC_UPDATE_PARTS_MAX - 1),
          count: z.number().int().min(2).max(DOC_UPDATE_PARTS_MAX),
        })
        .strict()
        .refine((p) => p.index < p.count, { message: 'index past count' })
        .optional(),
    })
    .strict(),
  'doc:awareness': z.object({ roomId, docId, update: bytesSchema(AWARENESS_MAX_BYTES) }).strict(),
  /** Shares the console output of a run made in the sender's browser (code pads only). */
  'doc:run': z.object({ roomId, docId, run: docRunSchema }).strict(),
  /** The timeline (edit sessions) and named versions; every member, muted ones too. */
  /** The timeline, newest first, a page at a time: `before` asks for the sessions older than that point. */
  'doc:history': z.object({ roomId, docId, before: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional() }).strict(),
  /** Names the current state (members who may edit). */
  'doc:version:name': z.object({ roomId, docId, name: docVersionNameSchema }).strict(),
  /** The text at a history point (a session's or version's `upto`, 0 = empty). */
  'doc:version:view': z.object({ roomId, docId, upto }).strict(),
  /** Brings back the text of a history point as a new change by the caller (members who may edit). */
  'doc:version:restore': z.object({ roomId, docId, upto }).strict(),
} as const;

export interface DocOpened {
  doc: DocSummary;
  /** Yjs update with everything the client lacked. */
  update: Uint8Array;
  /** The server's state vector: the client sends back what the server lacks. */
  stateVector: Uint8Array;
  /** Current awareness states of the others (Yjs awareness update), or null. */
  awareness: Uint8Array | null;
  /** False when the caller may only read (muted). */
  canEdit: boolean;
  /** The latest runs of a code pad, oldest first. */
  runs: DocRun[];
}

export interface DocsCommandResults {
  'doc:list': DocSummary[];
  'doc:create': DocSummary;
  'doc:rename': DocSummary;
  'doc:configure': DocSummary;
  'doc:delete': null;
  'doc:open': DocOpened;
  'doc:close': null;
  /** `stored: false`: a part was received, more are expected. */
  'doc:update': { stored: boolean };
  'doc:awareness': null;
  'doc:run': DocRun;
  'doc:history': DocHistory;
  'doc:version:name': DocVersion;
  'doc:version:view': { upto: number; text: string };
  /** `changed: false` when the text already was that version's. */
  'doc:version:restore': { changed: boolean };
}

export interface DocsRoomFacts {
  'doc:created': { doc: DocSummary };
  /** Title, language or last editor changed. */
  'doc:changed': { doc: DocSummary };
  'doc:deleted': { docId: number };
}

export type DocsPersonalEvents = {
  /** To the sockets that opened a document: someone else's Yjs update, already stored. */
  'doc:updated': (fact: { roomId: number; docId: number; update: Uint8Array }) => void;
  /** To the sockets that opened a document: awareness changes (volatile). */
  'doc:awareness': (fact: { roomId: number; docId: number; update: Uint8Array }) => void;
  /** To the sockets that opened a code pad: someone ran it; here is the console output. */
  'doc:ran': (fact: { roomId: number; docId: number; run: DocRun }) => void;
  /** To one socket: the document was closed for it (deleted, or access lost). */
  'doc:closed': (fact: { roomId: number; docId: number; reason: 'deleted' | 'removed' }) => void;
  /** To the sockets that opened a document: a version was named or restored (refresh the history). */
  'doc:history-changed': (fact: { roomId: number; docId: number }) => void;
};
