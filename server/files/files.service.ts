/**
 * Room files: folders, file rows, permissions, trash, quota and search. The bytes are in the
 * BlobStore under their sha256 (stored once per content); uploads arrive through tus (tus.ts) and
 * are registered here when they finish. Every DB access of the feature is in this file.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { and, asc, desc, eq, inArray, isNotNull, isNull, lt, sql, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import type { Db } from '../../db/client.js';
import { transaction } from '../../db/tx.js';
import { fileFolders, fileSettings, fileUploads, roomFiles, users } from '../../db/schema/index.js';
import type { FileKind, FileSort, ThumbState, UploadRole } from '../../protocol/files-constants.js';
import type { FileDto, FilesSettings, FolderDto, FolderListing, searchQuerySchema } from '../../protocol/files.js';
import { AppError } from '../plugins/errors.js';
import type { RoomEvents } from '../rooms/room-events.js';
import { atLeast } from '../rooms/room-channels.js';
import type { RoomsService } from '../rooms/rooms.service.js';
import { sanitizeName, uniqueName } from './names.js';
import { sniffFile } from './sniff.js';
import { blobKey, seekKey, seekMetaKey, thumbKey, waveKey, type BlobStore } from './storage.js';
import { fileIdsByName, nameContains } from './name-search-sql.js';
import { firstRow, oneRow } from './rows.js';

type FileRow = typeof roomFiles.$inferSelect;
type FolderRow = typeof fileFolders.$inferSelect;
export type UploadRow = typeof fileUploads.$inferSelect;

export interface FilesLimits {
  maxFileBytes: number;
  roomQuotaBytes: number;
  /** Uploads stop with STORAGE_FULL below this much free disk (FILES_MIN_FREE_MB). */
  minFreeBytes: number;
}

/** Who is acting, as far as files care. */
interface Actor {
  userId: number;
  moderator: boolean;
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export class FilesService {
  /** Called for each newly registered file (thumbnails). */
  onAdded: (file: FileDto) => void = () => {};

  constructor(
    private readonly db: Db,
    private readonly rooms: RoomsService,
    private readonly events: RoomEvents,
    readonly store: BlobStore,
    readonly limits: FilesLimits,
  ) {}

  // ---- access ----

  /** A member (any role) of the room, or NOT_FOUND / NOT_MEMBER. */
  async reader(roomId: number, userId: number): Promise<Actor> {
    const m = await this.rooms.requireMember(roomId, userId);
    return { userId, moderator: atLeast(m.role, 'moderator') };
  }

  /** A member who may change the room's files (open room, not muted). */
  async writer(roomId: number, userId: number): Promise<Actor> {
    const m = await this.rooms.requireMember(roomId, userId, 'member', { speaks: true });
    return { userId, moderator: atLeast(m.role, 'moderator') };
  }

  async settingsRow(roomId: number): Promise<{ uploadRole: UploadRole }> {
    const row = await this.db.select().from(fileSettings).where(eq(fileSettings.roomId, roomId)).limit(1).then(firstRow);
    return { uploadRole: row?.uploadRole ?? 'member' };
  }

  async usedBytes(roomId: number): Promise<number> {
    const files = await this.db.select({ n: sql<number>`coalesce(sum(${roomFiles.size}), 0)`.mapWith(Number) }).from(roomFiles).where(eq(roomFiles.roomId, roomId)).limit(1).then(firstRow);
    const pending = await this.db.select({ n: sql<number>`coalesce(sum(${fileUploads.size}), 0)`.mapWith(Number) }).from(fileUploads).where(eq(fileUploads.roomId, roomId)).limit(1).then(firstRow);
    return (files?.n ?? 0) + (pending?.n ?? 0);
  }

  async settings(roomId: number): Promise<FilesSettings> {
    const { uploadRole } = await this.settingsRow(roomId);
    return { uploadRole, quotaBytes: this.limits.roomQuotaBytes, usedBytes: await this.usedBytes(roomId), maxFileBytes: this.limits.maxFileBytes };
  }

  async setUploadRole(roomId: number, userId: number, uploadRole: UploadRole): Promise<FilesSettings> {
    await this.rooms.requireMember(roomId, userId, 'owner', { writes: true });
    await this.db.insert(fileSettings).values({ roomId, uploadRole }).onConflictDoUpdate({ target: fileSettings.roomId, set: { uploadRole } });
    return this.settings(roomId);
  }

  private async mayUpload(roomId: number, actor: Actor): Promise<boolean> {
    if (actor.moderator) return true;
    return (await this.settingsRow(roomId)).uploadRole === 'member';
  }

  /** A live folder of the room (or the root for null), checked writable for the actor. */
  private async writableFolder(roomId: number, folderId: number | null, actor: Actor): Promise<FolderRow | null> {
    if (folderId === null) return null;
    const f = await this.liveFolder(roomId, folderId);
    if (!actor.moderator && (await this.readOnlyChain(f))) throw new AppError('FORBIDDEN', 'This folder is read-only.');
    return f;
  }

  private async liveFolder(roomId: number, folderId: number): Promise<FolderRow> {
    const f = await this.db.select().from(fileFolders).where(and(eq(fileFolders.id, folderId), eq(fileFolders.roomId, roomId))).limit(1).then(firstRow);
    if (!f || f.deletedAt !== null) throw new AppError('NOT_FOUND', 'No such folder.');
    return f;
  }

  /** Is the folder or any folder above it read-only? */
  private async readOnlyChain(f: FolderRow | null): Promise<boolean> {
    let cur = f;
    for (let depth = 0; cur && depth < 64; depth++) {
      if (cur.readOnly) return true;
      if (cur.parentId === null) return false;
      cur = (await this.db.select().from(fileFolders).where(eq(fileFolders.id, cur.parentId)).limit(1).then(firstRow)) ?? null;
    }
    return false;
  }

  private async path(f: FolderRow | null): Promise<{ id: number; name: string }[]> {
    const out: { id: number; name: string }[] = [];
    let cur = f;
    for (let depth = 0; cur && depth < 64; depth++) {
      out.unshift({ id: cur.id, name: cur.name });
      cur = cur.parentId === null ? null : ((await this.db.select().from(fileFolders).where(eq(fileFolders.id, cur.parentId)).limit(1).then(firstRow)) ?? null);
    }
    return out;
  }

  private async takenNames(roomId: number, folderId: number | null, exceptFile?: number, exceptFolder?: number): Promise<Set<string>> {
    const inFolder = (col: typeof roomFiles.folderId | typeof fileFolders.parentId) => (folderId === null ? isNull(col) : eq(col, folderId));
    const files = await this.db.select({ id: roomFiles.id, n: roomFiles.nameLower }).from(roomFiles).where(and(eq(roomFiles.roomId, roomId), inFolder(roomFiles.folderId), isNull(roomFiles.deletedAt)));
    const folders = await this.db.select({ id: fileFolders.id, n: fileFolders.name }).from(fileFolders).where(and(eq(fileFolders.roomId, roomId), inFolder(fileFolders.parentId), isNull(fileFolders.deletedAt)));
    return new Set([...files.filter((r) => r.id !== exceptFile).map((r) => r.n), ...folders.filter((r) => r.id !== exceptFolder).map((r) => r.n.toLowerCase())]);
  }

  private cleanName(raw: string): string {
    const name = sanitizeName(raw);
    if (!name) throw new AppError('VALIDATION', 'That name cannot be used.');
    return name;
  }

  // ---- DTOs ----

  private async toDtos(rows: FileRow[]): Promise<FileDto[]> {
    if (rows.length === 0) return [];
    const ids = [...new Set(rows.map((r) => r.uploaderId))];
    const names = new Map((await this.db.select({ id: users.id, username: users.username }).from(users).where(inArray(users.id, ids))).map((u) => [u.id, u.username]));
    return rows.map((r) => ({
      id: r.id,
      roomId: r.roomId,
      folderId: r.folderId,
      name: r.name,
      size: r.size,
      mime: r.mime,
      kind: r.kind,
      sha256: r.sha256,
      uploader: { id: r.uploaderId, username: names.get(r.uploaderId) ?? 'deleted user' },
      createdAt: r.createdAt,
      deletedAt: r.deletedAt,
      thumb: r.thumb,
    }));
  }

  private async toDto(row: FileRow): Promise<FileDto> {
    return (await this.toDtos([row]))[0]!;
  }

  private folderDto(f: FolderRow): FolderDto {
    return { id: f.id, roomId: f.roomId, parentId: f.parentId, name: f.name, readOnly: f.readOnly, createdBy: f.createdBy, createdAt: f.createdAt, deletedAt: f.deletedAt };
  }

  // ---- reading ----

  async list(roomId: number, userId: number, q: { folderId?: number; sort: FileSort; dir: 'asc' | 'desc' }): Promise<FolderListing> {
    const actor = await this.reader(roomId, userId);
    const folder = q.folderId === undefined ? null : await this.liveFolder(roomId, q.folderId);
    const fid = folder?.id ?? null;
    const order = q.dir === 'asc' ? asc : desc;
    const sortCol = { name: roomFiles.nameLower, size: roomFiles.size, date: roomFiles.createdAt, type: roomFiles.mime }[q.sort];
    const rows = await this.db
      .select()
      .from(roomFiles)
      .where(and(eq(roomFiles.roomId, roomId), fid === null ? isNull(roomFiles.folderId) : eq(roomFiles.folderId, fid), isNull(roomFiles.deletedAt)))
      .orderBy(order(sortCol), asc(roomFiles.id))
      .limit(5000);
    const folders = await this.db
      .select()
      .from(fileFolders)
      .where(and(eq(fileFolders.roomId, roomId), fid === null ? isNull(fileFolders.parentId) : eq(fileFolders.parentId, fid), isNull(fileFolders.deletedAt)))
      .orderBy(q.sort === 'date' ? order(fileFolders.createdAt) : order(sql`lower(${fileFolders.name})`));
    const readOnly = await this.readOnlyChain(folder);
    const open = !this.rooms.isClosed(roomId);
    return {
      folder: folder ? this.folderDto(folder) : null,
      path: await this.path(folder),
      folders: folders.map((f) => this.folderDto(f)),
      files: await this.toDtos(rows),
      settings: await this.settings(roomId),
      can: { upload: open && (actor.moderator || (!readOnly && (await this.mayUpload(roomId, actor)))), manage: open && actor.moderator },
    };
  }

  /** A live (not trashed) file of the room, for reading. */
  async file(roomId: number, userId: number, fileId: number): Promise<FileRow> {
    await this.reader(roomId, userId);
    return this.fileRow(roomId, fileId);
  }

  private async fileRow(roomId: number, fileId: number, opts: { trashed?: boolean } = {}): Promise<FileRow> {
    const row = await this.db.select().from(roomFiles).where(and(eq(roomFiles.id, fileId), eq(roomFiles.roomId, roomId))).limit(1).then(firstRow);
    if (!row || (row.deletedAt !== null) !== !!opts.trashed) throw new AppError('NOT_FOUND', 'No such file.');
    return row;
  }

  /**
   * Ids of files to attach to a chat message: each a live file of THIS room and the sender a member
   * who may read it. Anything else (another room's file, a trashed or unknown id) refuses the whole
   * message with NOT_FOUND before a row is written. Duplicates are dropped, order kept.
   */
  async attachable(roomId: number, userId: number, fileIds: number[]): Promise<number[]> {
    await this.reader(roomId, userId);
    const ids = [...new Set(fileIds)];
    const rows = await this.db
      .select({ id: roomFiles.id })
      .from(roomFiles)
      .where(and(eq(roomFiles.roomId, roomId), inArray(roomFiles.id, ids), isNull(roomFiles.deletedAt)));
    if (rows.length !== ids.length) throw new AppError('NOT_FOUND', 'An attached file is not in this room.');
    return ids;
  }

  async fileDto(roomId: number, userId: number, fileId: number): Promise<FileDto> {
    return this.toDto(await this.file(roomId, userId, fileId));
  }

  /**
   * Search by name (every word of `q` must appear somewhere in the name, case-insensitively),
   * type and uploader, across the room's folders, newest first. Name fragments the trigram index
   * (FTS5 on SQLite, pg_trgm GIN on PostgreSQL) matches in at most NAME_INDEX_CAP files are looked
   * up by id; common and short fragments (and PostgreSQL without the index) walk the room's newest
   * files, which finds a page of matches quickly.
   */
  async search(roomId: number, userId: number, q: z.output<typeof searchQuerySchema>): Promise<FileDto[]> {
    await this.reader(roomId, userId);
    const conds: SQL[] = [eq(roomFiles.roomId, roomId), isNull(roomFiles.deletedAt)];
    const words = q.q.toLowerCase().split(/\s+/).filter(Boolean).slice(0, 8);
    for (const w of words) conds.push(nameContains(w));
    const candidates = words.length > 0 ? await fileIdsByName(this.db, words) : null;
    if (candidates?.length === 0) return [];
    if (candidates) conds.push(inArray(roomFiles.id, candidates));
    if (q.kind) conds.push(eq(roomFiles.kind, q.kind));
    if (q.uploaderId) conds.push(eq(roomFiles.uploaderId, q.uploaderId));
    const rows = await this.db
      .select()
      .from(roomFiles)
      .where(and(...conds))
      .orderBy(desc(roomFiles.createdAt), desc(roomFiles.id))
      .limit(q.limit);
    return this.toDtos(rows);
  }

  // ---- ZIP downloads ----

  /**
   * What a ZIP of a selection holds: every selected file and everything live below every selected
   * folder, each checked to be a live item of THIS room the caller may read (any stranger's or
   * trashed id refuses the whole request with NOT_FOUND). Paths are folder names below the
   * selection. At most `maxEntries` files.
   */
  async zipPlan(roomId: number, userId: number, sel: { fileIds: number[]; folderIds: number[] }, maxEntries = 10_000): Promise<{ name: string; files: { dirs: string[]; row: FileRow }[]; emptyDirs: string[][] }> {
    await this.reader(roomId, userId);
    const files = await Promise.all([...new Set(sel.fileIds)].map((id) => this.fileRow(roomId, id)));
    const tops = await Promise.all([...new Set(sel.folderIds)].map((id) => this.liveFolder(roomId, id)));
    const out: { dirs: string[]; row: FileRow }[] = files.map((row) => ({ dirs: [], row }));
    const emptyDirs: string[][] = [];
    for (const top of tops) {
      // Walk down level by level, live folders only, keeping each folder's path.
      const pathOf = new Map<number, string[]>([[top.id, [top.name]]]);
      let frontier = [top.id];
      const all = [top.id];
      const hasChild = new Set<number>();
      while (frontier.length > 0 && all.length < 100_000) {
        const kids = await this.db
          .select({ id: fileFolders.id, parentId: fileFolders.parentId, name: fileFolders.name })
          .from(fileFolders)
          .where(and(eq(fileFolders.roomId, roomId), inArray(fileFolders.parentId, frontier), isNull(fileFolders.deletedAt)));
        for (const k of kids) {
          pathOf.set(k.id, [...pathOf.get(k.parentId!)!, k.name]);
          hasChild.add(k.parentId!);
        }
        frontier = kids.map((k) => k.id);
        all.push(...frontier);
      }
      const withFiles = new Set<number>();
      for (let i = 0; i < all.length; i += 500) {
        const rows = await this.db
          .select()
          .from(roomFiles)
          .where(and(eq(roomFiles.roomId, roomId), inArray(roomFiles.folderId, all.slice(i, i + 500)), isNull(roomFiles.deletedAt)))
          .orderBy(asc(roomFiles.id));
        for (const row of rows) {
          withFiles.add(row.folderId!);
          out.push({ dirs: pathOf.get(row.folderId!)!, row });
        }
        if (out.length > maxEntries) throw new AppError('VALIDATION', `A ZIP can hold at most ${maxEntries} files.`, undefined, 413);
      }
      // Folders with nothing inside still appear (as directory entries).
      for (const id of all) if (!withFiles.has(id) && !hasChild.has(id)) emptyDirs.push(pathOf.get(id)!);
    }
    if (out.length > maxEntries) throw new AppError('VALIDATION', `A ZIP can hold at most ${maxEntries} files.`, undefined, 413);
    const name = tops.length === 1 && files.length === 0 ? tops[0]!.name : 'files';
    return { name, files: out, emptyDirs };
  }

  // ---- uploads (tus) ----

  /**
   * May this user start an upload of `size` bytes named `rawName` into `folderId`? Checked before a
   * byte is stored: membership, upload role, read-only folders, file size limit and room quota.
   */
  async checkUpload(roomId: number, userId: number, folderId: number | null, rawName: string, size: number): Promise<{ name: string }> {
    const actor = await this.writer(roomId, userId);
    if (!(await this.mayUpload(roomId, actor))) throw new AppError('FORBIDDEN', 'Only moderators can upload files in this room.');
    await this.writableFolder(roomId, folderId, actor);
    const name = this.cleanName(rawName);
    if (size > this.limits.maxFileBytes) throw new AppError('VALIDATION', `Files can be at most ${Math.floor(this.limits.maxFileBytes / 1_048_576)} MB.`, undefined, 413);
    const used = await this.usedBytes(roomId);
    if (used + size > this.limits.roomQuotaBytes) {
      throw new AppError('CONFLICT', `This room's storage is full (${Math.floor(used / 1_048_576)} of ${Math.floor(this.limits.roomQuotaBytes / 1_048_576)} MB used).`, undefined, 413);
    }
    return { name };
  }

  async addUpload(row: UploadRow): Promise<void> {
    await this.db.insert(fileUploads).values(row);
  }

  async upload(id: string): Promise<UploadRow | undefined> {
    return this.db.select().from(fileUploads).where(eq(fileUploads.id, id)).limit(1).then(firstRow);
  }

  /**
   * The upload, if this user may go on with it. `send` (PATCH: more bytes): theirs, still a member
   * allowed to upload, and its folder not made read-only meanwhile (for non-moderators). `own`
   * (HEAD: the offset; DELETE: cancel): theirs and still a member, so a browser whose upload was
   * refused can still read where it stopped and delete it (freeing the quota it reserved). A
   * stranger's or unknown upload is NOT_FOUND; a former member gets NOT_MEMBER.
   */
  async requireOwnUpload(id: string, userId: number, purpose: 'send' | 'own' = 'send'): Promise<UploadRow> {
    const up = await this.upload(id);
    if (!up || up.userId !== userId) throw new AppError('NOT_FOUND', 'No such upload.');
    if (purpose === 'own') {
      await this.reader(up.roomId, userId);
      return up;
    }
    const actor = await this.writer(up.roomId, userId);
    if (!(await this.mayUpload(up.roomId, actor))) throw new AppError('FORBIDDEN', 'Only moderators can upload files in this room.');
    if (up.folderId !== null && !actor.moderator) {
      // A folder trashed meanwhile is no refusal: the file lands in the root (finishUpload).
      const folder = await this.db.select().from(fileFolders).where(and(eq(fileFolders.id, up.folderId), eq(fileFolders.roomId, up.roomId))).limit(1).then(firstRow);
      if (folder && folder.deletedAt === null && (await this.readOnlyChain(folder))) throw new AppError('FORBIDDEN', 'This folder is read-only.');
    }
    return up;
  }

  async dropStaleUploads(before: number): Promise<void> {
    await this.db.delete(fileUploads).where(lt(fileUploads.createdAt, before));
  }

  /** Removes a user's unfinished uploads in a room (they left or were removed); returns their ids. */
  async dropUploadsOf(roomId: number, userId: number): Promise<string[]> {
    const rows = await this.db.delete(fileUploads).where(and(eq(fileUploads.roomId, roomId), eq(fileUploads.userId, userId))).returning({ id: fileUploads.id });
    return rows.map((r) => r.id);
  }

  async dropUpload(id: string): Promise<void> {
    await this.db.delete(fileUploads).where(eq(fileUploads.id, id));
  }

  /**
   * A tus upload finished: detect the type from the bytes, hash them, move them into the blob store
   * (once per content) and list the file. The upload's folder may have gone meanwhile: then root.
   */
  async finishUpload(id: string, bytesPath: string): Promise<FileDto> {
    const up = await this.upload(id);
    if (!up) throw new AppError('NOT_FOUND', 'No such upload.');
    const [sniffed, sha256] = await Promise.all([sniffFile(bytesPath), sha256Of(bytesPath)]);
    await this.store.putFile(blobKey(sha256), bytesPath);
    const dto = await this.register({ roomId: up.roomId, folderId: up.folderId, name: up.name, size: up.size, mime: sniffed.mime, kind: sniffed.kind, sha256, uploaderId: up.userId });
    await this.dropUpload(id);
    return dto;
  }

  /** Lists stored bytes as a file in a folder (uploads and media-job results). */
  async register(f: { roomId: number; folderId: number | null; name: string; size: number; mime: string; kind: FileKind; sha256: string; uploaderId: number }): Promise<FileDto> {
    let folderId = f.folderId;
    if (folderId !== null) {
      const folder = await this.db.select().from(fileFolders).where(and(eq(fileFolders.id, folderId), eq(fileFolders.roomId, f.roomId))).limit(1).then(firstRow);
      if (!folder || folder.deletedAt !== null) folderId = null;
    }
    const name = uniqueName(f.name, await this.takenNames(f.roomId, folderId));
    const thumb: ThumbState = f.kind === 'image' || f.kind === 'video' ? 'pending' : 'none';
    const row = await this.db
      .insert(roomFiles)
      .values({ roomId: f.roomId, folderId, name, nameLower: name.toLowerCase(), size: f.size, mime: f.mime, kind: f.kind, sha256: f.sha256, uploaderId: f.uploaderId, createdAt: Date.now(), thumb })
      .returning()
      .then(oneRow);
    const dto = await this.toDto(row);
    void this.events.broadcast(f.roomId, 'files:file', { file: dto });
    this.onAdded(dto);
    return dto;
  }

  async setThumb(fileId: number, sha256: string, thumb: ThumbState): Promise<void> {
    // Every file with this content shares the thumbnail.
    const rows = await this.db.update(roomFiles).set({ thumb }).where(and(eq(roomFiles.sha256, sha256), eq(roomFiles.thumb, 'pending'))).returning();
    if (!rows.some((r) => r.id === fileId)) {
      const own = await this.db.update(roomFiles).set({ thumb }).where(eq(roomFiles.id, fileId)).returning();
      rows.push(...own);
    }
    for (const dto of await this.toDtos(rows)) void this.events.broadcast(dto.roomId, 'files:file', { file: dto });
  }

  /**
   * A content's seek thumbnails (video) or waveform (audio) were made: every live file with these
   * bytes is announced to its room (members only, as a sequenced room fact). `onlyFileId`: just
   * that file (the extras existed already; other files with the bytes were told when they were made).
   */
  async extrasReady(sha256: string, onlyFileId?: number): Promise<void> {
    const rows = await this.db
      .select({ id: roomFiles.id, roomId: roomFiles.roomId, kind: roomFiles.kind })
      .from(roomFiles)
      .where(and(eq(roomFiles.sha256, sha256), isNull(roomFiles.deletedAt), ...(onlyFileId === undefined ? [] : [eq(roomFiles.id, onlyFileId)])))
      .limit(1000);
    for (const r of rows) await this.events.broadcast(r.roomId, 'files:extras', { fileId: r.id, seek: r.kind === 'video', waveform: r.kind === 'audio' });
  }

  /** A thumbnail already made for this content (another file, an earlier upload). */
  async knownThumb(sha256: string): Promise<'ready' | 'failed' | null> {
    const row = await this.db.select({ thumb: roomFiles.thumb }).from(roomFiles).where(and(eq(roomFiles.sha256, sha256), inArray(roomFiles.thumb, ['ready', 'failed']))).limit(1).then(firstRow);
    return row?.thumb === 'ready' || row?.thumb === 'failed' ? row.thumb : null;
  }

  async pendingThumbs(): Promise<FileRow[]> {
    return this.db.select().from(roomFiles).where(eq(roomFiles.thumb, 'pending'));
  }

  // ---- folders ----

  async createFolder(roomId: number, userId: number, rawName: string, parentId: number | null): Promise<FolderDto> {
    const actor = await this.writer(roomId, userId);
    if (!(await this.mayUpload(roomId, actor))) throw new AppError('FORBIDDEN', 'Only moderators can add files in this room.');
    await this.writableFolder(roomId, parentId, actor);
    const name = this.cleanName(rawName);
    if ((await this.takenNames(roomId, parentId)).has(name.toLowerCase())) throw new AppError('CONFLICT', 'Something with that name is already here.');
    const row = await this.db.insert(fileFolders).values({ roomId, parentId, name, createdBy: userId, createdAt: Date.now() }).returning().then(oneRow);
    const dto = this.folderDto(row);
    void this.events.broadcast(roomId, 'files:folder', { folder: dto });
    return dto;
  }

  /** May the actor change this item: moderators anything; others their own, outside read-only folders. */
  private async assertMayChange(actor: Actor, ownerId: number, parent: FolderRow | null): Promise<void> {
    if (actor.moderator) return;
    if (ownerId !== actor.userId) throw new AppError('FORBIDDEN', "Only moderators can change other people's files.");
    if (await this.readOnlyChain(parent)) throw new AppError('FORBIDDEN', 'This folder is read-only.');
  }

  private async parentOf(roomId: number, parentId: number | null): Promise<FolderRow | null> {
    return parentId === null ? null : ((await this.db.select().from(fileFolders).where(and(eq(fileFolders.id, parentId), eq(fileFolders.roomId, roomId))).limit(1).then(firstRow)) ?? null);
  }

  async updateFolder(roomId: number, userId: number, folderId: number, patch: { name?: string; parentId?: number | null; readOnly?: boolean }): Promise<FolderDto> {
    const actor = await this.writer(roomId, userId);
    const f = await this.liveFolder(roomId, folderId);
    await this.assertMayChange(actor, f.createdBy, await this.parentOf(roomId, f.parentId));
    if (patch.readOnly !== undefined && !actor.moderator) throw new AppError('FORBIDDEN', 'Only moderators can make a folder read-only.');
    const parentId = patch.parentId === undefined ? f.parentId : patch.parentId;
    if (patch.parentId !== undefined && parentId !== null) {
      // Not into itself or anything below it.
      let cur: FolderRow | null = await this.writableFolder(roomId, parentId, actor);
      for (let depth = 0; cur && depth < 64; depth++) {
        if (cur.id === f.id) throw new AppError('CONFLICT', 'A folder cannot be moved into itself.');
        cur = await this.parentOf(roomId, cur.parentId);
      }
    }
    const name = patch.name === undefined ? f.name : this.cleanName(patch.name);
    if ((name !== f.name || parentId !== f.parentId) && (await this.takenNames(roomId, parentId, undefined, f.id)).has(name.toLowerCase())) {
      throw new AppError('CONFLICT', 'Something with that name is already there.');
    }
    const row = await this.db
      .update(fileFolders)
      .set({ name, parentId, ...(patch.readOnly !== undefined ? { readOnly: patch.readOnly } : {}) })
      .where(eq(fileFolders.id, f.id))
      .returning()
      .then(oneRow);
    const dto = this.folderDto(row);
    void this.events.broadcast(roomId, 'files:folder', { folder: dto });
    return dto;
  }

  async updateFile(roomId: number, userId: number, fileId: number, patch: { name?: string; folderId?: number | null }): Promise<FileDto> {
    const actor = await this.writer(roomId, userId);
    const f = await this.fileRow(roomId, fileId);
    await this.assertMayChange(actor, f.uploaderId, await this.parentOf(roomId, f.folderId));
    const folderId = patch.folderId === undefined ? f.folderId : patch.folderId;
    if (patch.folderId !== undefined) await this.writableFolder(roomId, folderId, actor);
    const name = patch.name === undefined ? f.name : this.cleanName(patch.name);
    if ((name !== f.name || folderId !== f.folderId) && (await this.takenNames(roomId, folderId, f.id)).has(name.toLowerCase())) {
      throw new AppError('CONFLICT', 'Something with that name is already there.');
    }
    const row = await this.db.update(roomFiles).set({ name, nameLower: name.toLowerCase(), folderId }).where(eq(roomFiles.id, f.id)).returning().then(oneRow);
    const dto = await this.toDto(row);
    void this.events.broadcast(roomId, 'files:file', { file: dto });
    return dto;
  }

  // ---- trash ----

  /** Folder ids below `folderId` (not itself), live or trashed at `at`. */
  private async descendants(roomId: number, folderId: number): Promise<number[]> {
    const out: number[] = [];
    let frontier = [folderId];
    while (frontier.length > 0 && out.length < 100_000) {
      const kids = await this.db.select({ id: fileFolders.id }).from(fileFolders).where(and(eq(fileFolders.roomId, roomId), inArray(fileFolders.parentId, frontier)));
      frontier = kids.map((k) => k.id);
      out.push(...frontier);
    }
    return out;
  }

  /** Moves files and folders to the trash; a folder takes everything inside with it (same time stamp). */
  async trash(roomId: number, userId: number, sel: { fileIds: number[]; folderIds: number[] }): Promise<void> {
    const actor = await this.writer(roomId, userId);
    const at = Date.now();
    const files = await Promise.all(sel.fileIds.map((id) => this.fileRow(roomId, id)));
    const folders = await Promise.all(sel.folderIds.map((id) => this.liveFolder(roomId, id)));
    for (const f of files) await this.assertMayChange(actor, f.uploaderId, await this.parentOf(roomId, f.folderId));
    for (const f of folders) await this.assertMayChange(actor, f.createdBy, await this.parentOf(roomId, f.parentId));
    const below = new Map<number, number[]>();
    for (const f of folders) below.set(f.id, [f.id, ...(await this.descendants(roomId, f.id))]);
    const changedFolders: FolderRow[] = [];
    const changedFiles: FileRow[] = [];
    await transaction(this.db, async (tx) => {
      for (const f of folders) {
        const ids = below.get(f.id)!;
        changedFolders.push(...(await tx.update(fileFolders).set({ deletedAt: at }).where(and(inArray(fileFolders.id, ids), isNull(fileFolders.deletedAt))).returning()));
        changedFiles.push(...(await tx.update(roomFiles).set({ deletedAt: at, deletedBy: userId }).where(and(eq(roomFiles.roomId, roomId), inArray(roomFiles.folderId, ids), isNull(roomFiles.deletedAt))).returning()));
      }
      if (files.length > 0) {
        changedFiles.push(...(await tx.update(roomFiles).set({ deletedAt: at, deletedBy: userId }).where(and(inArray(roomFiles.id, files.map((f) => f.id)), isNull(roomFiles.deletedAt))).returning()));
      }
    });
    for (const f of changedFolders) void this.events.broadcast(roomId, 'files:folder', { folder: this.folderDto(f) });
    for (const dto of await this.toDtos(changedFiles)) void this.events.broadcast(roomId, 'files:file', { file: dto });
  }

  /** The trash's top level: trashed items whose folder is not in the trash too. Moderators see all, others their own. */
  async trashList(roomId: number, userId: number): Promise<{ files: FileDto[]; folders: FolderDto[] }> {
    const actor = await this.reader(roomId, userId);
    const folders = await this.db.select().from(fileFolders).where(and(eq(fileFolders.roomId, roomId), isNotNull(fileFolders.deletedAt)));
    const trashedFolder = new Map(folders.map((f) => [f.id, f]));
    const files = await this.db.select().from(roomFiles).where(and(eq(roomFiles.roomId, roomId), isNotNull(roomFiles.deletedAt))).orderBy(desc(roomFiles.deletedAt)).limit(5000);
    const top = <T extends { deletedAt: number | null }>(parent: number | null, row: T) => parent === null || trashedFolder.get(parent)?.deletedAt !== row.deletedAt;
    return {
      folders: folders.filter((f) => top(f.parentId, f) && (actor.moderator || f.createdBy === userId)).map((f) => this.folderDto(f)),
      files: await this.toDtos(files.filter((f) => top(f.folderId, f) && (actor.moderator || f.deletedBy === userId || f.uploaderId === userId))),
    };
  }

  /** Brings items back (a folder with what went to the trash with it); into the root when their folder is gone. */
  async restore(roomId: number, userId: number, sel: { fileIds: number[]; folderIds: number[] }): Promise<void> {
    const actor = await this.writer(roomId, userId);
    const mine = (ownerId: number, deletedBy: number | null) => actor.moderator || ownerId === userId || deletedBy === userId;
    for (const id of sel.folderIds) {
      const f = await this.db.select().from(fileFolders).where(and(eq(fileFolders.id, id), eq(fileFolders.roomId, roomId), isNotNull(fileFolders.deletedAt))).limit(1).then(firstRow);
      if (!f) throw new AppError('NOT_FOUND', 'No such folder in the trash.');
      if (!mine(f.createdBy, null)) throw new AppError('FORBIDDEN', 'Only moderators can restore this.');
      const parent = await this.parentOf(roomId, f.parentId);
      const parentId = parent && parent.deletedAt === null ? parent.id : null;
      const name = uniqueName(f.name, await this.takenNames(roomId, parentId));
      const ids = [f.id, ...(await this.descendants(roomId, f.id))];
      const { folders, top, files } = await transaction(this.db, async (tx) => ({
        folders: await tx.update(fileFolders).set({ deletedAt: null }).where(and(inArray(fileFolders.id, ids), eq(fileFolders.deletedAt, f.deletedAt!))).returning(),
        top: await tx.update(fileFolders).set({ parentId, name }).where(eq(fileFolders.id, f.id)).returning().then(oneRow),
        files: await tx.update(roomFiles).set({ deletedAt: null, deletedBy: null }).where(and(eq(roomFiles.roomId, roomId), inArray(roomFiles.folderId, ids), eq(roomFiles.deletedAt, f.deletedAt!))).returning(),
      }));
      for (const x of folders) void this.events.broadcast(roomId, 'files:folder', { folder: this.folderDto(x.id === top.id ? top : x) });
      for (const dto of await this.toDtos(files)) void this.events.broadcast(roomId, 'files:file', { file: dto });
    }
    for (const id of sel.fileIds) {
      const f = await this.fileRow(roomId, id, { trashed: true });
      if (!mine(f.uploaderId, f.deletedBy)) throw new AppError('FORBIDDEN', 'Only moderators can restore this.');
      const parent = await this.parentOf(roomId, f.folderId);
      const folderId = parent && parent.deletedAt === null ? parent.id : null;
      const name = uniqueName(f.name, await this.takenNames(roomId, folderId));
      const row = await this.db.update(roomFiles).set({ deletedAt: null, deletedBy: null, folderId, name, nameLower: name.toLowerCase() }).where(eq(roomFiles.id, f.id)).returning().then(oneRow);
      void this.events.broadcast(roomId, 'files:file', { file: await this.toDto(row) });
    }
  }

  /** Deletes everything in the room's trash for good (owner, moderators); bytes nobody else uses are freed. */
  async emptyTrash(roomId: number, userId: number): Promise<{ fileIds: number[]; folderIds: number[] }> {
    await this.rooms.requireMember(roomId, userId, 'moderator', { writes: true });
    const { files, folders } = await transaction(this.db, async (tx) => ({
      files: await tx.delete(roomFiles).where(and(eq(roomFiles.roomId, roomId), isNotNull(roomFiles.deletedAt))).returning(),
      // Children first is not needed: folder rows cascade to what is left below them.
      folders: await tx.delete(fileFolders).where(and(eq(fileFolders.roomId, roomId), isNotNull(fileFolders.deletedAt))).returning({ id: fileFolders.id }),
    }));
    await this.freeBlobs([...new Set(files.map((f) => f.sha256))]);
    const result = { fileIds: files.map((f) => f.id), folderIds: folders.map((f) => f.id) };
    if (result.fileIds.length + result.folderIds.length > 0) void this.events.broadcast(roomId, 'files:purged', result);
    return result;
  }

  /** Deletes the bytes (and thumbnails) of contents no file row refers to any more. */
  async freeBlobs(shas: string[]): Promise<void> {
    for (const sha of shas) {
      const still = await this.db.select({ id: roomFiles.id }).from(roomFiles).where(eq(roomFiles.sha256, sha)).limit(1).then(firstRow);
      if (still) continue;
      await this.store.delete(blobKey(sha));
      await this.store.delete(thumbKey(sha));
      await this.store.delete(seekKey(sha));
      await this.store.delete(seekMetaKey(sha));
      await this.store.delete(waveKey(sha));
    }
  }

  /** Removes a leftover local file quietly (a failed upload's bytes). */
  static async discard(path: string): Promise<void> {
    await rm(path, { force: true });
  }
}
