/**
 * Checks on what clients send into a shared document, before anything is applied or stored:
 * a Yjs update must parse completely and may only insert text into the document's one shared
 * text; an awareness update is decoded, stripped to name + colour + cursor and re-encoded.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { z } from 'zod';
import { DOC_TEXT } from '../../protocol/docs-constants.js';

/** Why an update was refused, or null when it may be applied. */
export function checkUpdate(update: Uint8Array): string | null {
  const r = inspectUpdate(update);
  return 'why' in r ? r.why : null;
}

/**
 * Checks an update (see checkUpdate) and, when it may be applied, counts the characters it inserts
 * and deletes (the timeline's figures), from the one decode the check needs anyway.
 */
export function inspectUpdate(update: Uint8Array): { why: string } | { added: number; removed: number } {
  if (update.byteLength < 2) return { why: 'empty update' };
  let decoded: ReturnType<typeof Y.decodeUpdate>;
  try {
    decoded = Y.decodeUpdate(update);
  } catch {
    return { why: 'malformed update' };
  }
  let added = 0;
  for (const s of decoded.structs) {
    if (!(s instanceof Y.Item)) continue; // GC / Skip: no content
    // A root-level parent is named by a string: only our one shared text.
    if (typeof s.parent === 'string' && s.parent !== DOC_TEXT) return { why: 'update touches an unknown shared type' };
    if (s.parentSub !== null) return { why: 'update writes map keys' };
    const c = s.content;
    if (!(c instanceof Y.ContentString || c instanceof Y.ContentDeleted || c instanceof Y.ContentFormat)) return { why: 'update holds content other than text' };
    if (c instanceof Y.ContentString) added += c.str.length;
  }
  let removed = 0;
  for (const items of decoded.ds.clients.values()) for (const d of items) removed += d.len;
  return { added, removed };
}

const idSchema = z.object({ client: z.number().int().min(0), clock: z.number().int().min(0) }).strict();
const relPosSchema = z
  .object({
    type: idSchema.nullable().optional(),
    tname: z.string().max(32).nullable().optional(),
    item: idSchema.nullable().optional(),
    assoc: z.number().int().min(-1).max(1).optional(),
  })
  .strict();
const cursorSchema = z.object({ anchor: relPosSchema, head: relPosSchema }).strict().nullable();
/** A sanitised cursor (anchor and head as Yjs relative positions). */
export type AwarenessCursor = NonNullable<z.infer<typeof cursorSchema>>;
const COLOR_RE = /^#[0-9a-fA-F]{6}$/;

export interface AwarenessEntry {
  clientId: number;
  clock: number;
  /** Sanitised state; null when the client left. */
  state: { user: { name: string; color: string }; cursor: z.infer<typeof cursorSchema> } | null;
}

/**
 * Decodes an awareness update (y-protocols format). Returns null when it is malformed. Each state
 * keeps only a cursor (if well formed) and a colour; the name is always the sender's own.
 */
export function sanitizeAwareness(update: Uint8Array, name: string, fallbackColor: string): AwarenessEntry[] | null {
  try {
    const dec = decoding.createDecoder(update);
    const n = decoding.readVarUint(dec);
    if (n > 8) return null;
    const out: AwarenessEntry[] = [];
    for (let i = 0; i < n; i++) {
      const clientId = decoding.readVarUint(dec);
      const clock = decoding.readVarUint(dec);
      const raw = JSON.parse(decoding.readVarString(dec)) as unknown;
      if (raw === null) {
        out.push({ clientId, clock, state: null });
        continue;
      }
      if (typeof raw !== 'object') return null;
      const r = raw as { user?: { color?: unknown }; cursor?: unknown };
      const color = typeof r.user?.color === 'string' && COLOR_RE.test(r.user.color) ? r.user.color : fallbackColor;
      const cursor = cursorSchema.safeParse(r.cursor ?? null);
      out.push({ clientId, clock, state: { user: { name, color }, cursor: cursor.success ? cursor.data : null } });
    }
    if (decoding.hasContent(dec)) return null;
    return out;
  } catch {
    return null;
  }
}

/** Encodes entries in the y-protocols awareness format. */
export function encodeAwareness(entries: AwarenessEntry[]): Uint8Array {
  const enc = encoding.createEncoder();
  encoding.writeVarUint(enc, entries.length);
  for (const e of entries) {
    encoding.writeVarUint(enc, e.clientId);
    encoding.writeVarUint(enc, e.clock);
    encoding.writeVarString(enc, JSON.stringify(e.state));
  }
  return encoding.toUint8Array(enc);
}
