import { and, desc, eq, gte, inArray, lt, or, type SQL } from 'drizzle-orm';
import type { AuditAction, AuditEntryView, AuditFilters, AuditPage } from '../../protocol/audit.js';
import type { Db } from '../../db/client.js';
import { first } from '../../db/query.js';
import { affectedRows } from '../../db/tx.js';
import { auditLog, users } from '../../db/schema/index.js';

export interface AuditActor {
  id: number;
  username: string;
}

export interface AuditRecord {
  action: AuditAction;
  /** The user who acted; null for the system or an anonymous visitor. */
  actor: AuditActor | null;
  target?: AuditActor | null;
  roomId?: number | null;
  ip?: string | null;
  /** Action-specific facts; never secrets (no passcodes, keys or tokens). */
  detail?: Record<string, unknown>;
}

/** What listeners hear after an entry is written (health counts failed sign-ins from it). */
export type AuditListener = (entry: AuditRecord & { at: number }) => void;

type AuditRow = typeof auditLog.$inferSelect;

export const toAuditView = (r: AuditRow): AuditEntryView => ({
  id: r.id,
  at: r.at,
  action: r.action as AuditAction,
  actorId: r.actorId,
  actorName: r.actorName,
  targetUserId: r.targetUserId,
  targetName: r.targetName,
  roomId: r.roomId,
  ip: r.ip,
  detail: r.detail ? (JSON.parse(r.detail) as Record<string, unknown>) : null,
});

/** `<at>.<id>` of the last entry of a page: the next page starts strictly below it. */
const cursorOf = (r: { at: number; id: number }) => `${r.at}.${r.id}`;

/**
 * Appends security-relevant events to the audit log (one insert per event) and reads it
 * back for admins. Append-only: nothing here updates an entry; the only delete is retention
 * pruning of entries older than the configured number of days.
 */
export class AuditService {
  private readonly listeners: AuditListener[] = [];

  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  async record(entry: AuditRecord): Promise<void> {
    const at = this.now();
    await this.db.insert(auditLog).values({
      at,
      action: entry.action,
      actorId: entry.actor?.id ?? null,
      actorName: entry.actor?.username ?? null,
      targetUserId: entry.target?.id ?? null,
      targetName: entry.target?.username ?? null,
      roomId: entry.roomId ?? null,
      ip: entry.ip ?? null,
      detail: entry.detail ? JSON.stringify(entry.detail) : null,
    });
    for (const fn of this.listeners) fn({ ...entry, at });
  }

  /** Called after every recorded entry (right after its insert; keep it cheap). */
  onRecord(fn: AuditListener): void {
    this.listeners.push(fn);
  }

  /** A user's id and current username, for naming a target; null when the account is gone. */
  async userRef(userId: number): Promise<AuditActor | null> {
    return (await first(this.db.select({ id: users.id, username: users.username }).from(users).where(eq(users.id, userId)).limit(1))) ?? null;
  }

  private async where(f: AuditFilters, before?: string): Promise<SQL | undefined> {
    const conds: (SQL | undefined)[] = [];
    if (f.actor !== undefined) {
      const user = await first(this.db.select({ id: users.id }).from(users).where(eq(users.usernameKey, f.actor.toLowerCase())).limit(1));
      conds.push(user ? eq(auditLog.actorId, user.id) : eq(auditLog.actorName, f.actor));
    }
    if (f.action !== undefined) conds.push(eq(auditLog.action, f.action));
    if (f.roomId !== undefined) conds.push(eq(auditLog.roomId, f.roomId));
    if (f.from !== undefined) conds.push(gte(auditLog.at, f.from));
    if (f.to !== undefined) conds.push(lt(auditLog.at, f.to));
    if (before !== undefined) {
      const [at, id] = before.split('.').map(Number) as [number, number];
      conds.push(or(lt(auditLog.at, at), and(eq(auditLog.at, at), lt(auditLog.id, id))));
    }
    return conds.length ? and(...conds) : undefined;
  }

  /**
   * Newest first, keyset-paginated on (at, id): each filter has an index ending in `at` (and the
   * rowid), so a page costs an index range scan whatever the table's size.
   */
  async list(filters: AuditFilters, page: { before?: string | undefined; limit: number }): Promise<AuditPage> {
    const rows = await this.db
      .select()
      .from(auditLog)
      .where(await this.where(filters, page.before))
      .orderBy(desc(auditLog.at), desc(auditLog.id))
      .limit(page.limit + 1);
    const more = rows.length > page.limit;
    const entries = rows.slice(0, page.limit);
    return { entries: entries.map(toAuditView), nextCursor: more ? cursorOf(entries[entries.length - 1]!) : null };
  }

  /**
   * Every matching entry, newest first, in batches: each batch is its own short query, so the
   * export never holds the connection (or a large array) while the client downloads.
   */
  async *iterate(filters: AuditFilters, batch = 1000): AsyncGenerator<AuditEntryView[]> {
    let before: string | undefined;
    for (;;) {
      const page = await this.list(filters, { before, limit: batch });
      if (page.entries.length) yield page.entries;
      if (!page.nextCursor) return;
      before = page.nextCursor;
    }
  }

  /** Deletes entries older than `cutoff` (epoch ms) in batches; returns how many went. */
  async pruneBefore(cutoff: number, batch = 5000): Promise<number> {
    let total = 0;
    for (;;) {
      const oldest = this.db.select({ id: auditLog.id }).from(auditLog).where(lt(auditLog.at, cutoff)).orderBy(auditLog.at).limit(batch);
      const n = affectedRows(await this.db.delete(auditLog).where(inArray(auditLog.id, oldest)));
      total += n;
      if (n < batch) return total;
    }
  }

  /** Applies the retention policy (days; 0 keeps everything). */
  async prune(retentionDays: number): Promise<number> {
    if (retentionDays <= 0) return 0;
    return this.pruneBefore(this.now() - retentionDays * 86_400_000);
  }
}
