import { sql } from 'drizzle-orm';
import type { AuditAction } from '../../protocol/audit.js';
import type { Db } from '../../db/client.js';
import { auditLog } from '../../db/schema/index.js';

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

const ph = (name: string) => sql.placeholder(name);

/** Appends security-relevant events to the audit log (one prepared insert per event). */
export class AuditService {
  private readonly insert;

  constructor(
    db: Db,
    private readonly now: () => number = Date.now,
  ) {
    this.insert = db
      .insert(auditLog)
      .values({
        at: ph('at'),
        action: ph('action'),
        actorId: ph('actorId'),
        actorName: ph('actorName'),
        targetUserId: ph('targetUserId'),
        targetName: ph('targetName'),
        roomId: ph('roomId'),
        ip: ph('ip'),
        detail: ph('detail'),
      })
      .prepare();
  }

  record(entry: AuditRecord): void {
    this.insert.run({
      at: this.now(),
      action: entry.action,
      actorId: entry.actor?.id ?? null,
      actorName: entry.actor?.username ?? null,
      targetUserId: entry.target?.id ?? null,
      targetName: entry.target?.username ?? null,
      roomId: entry.roomId ?? null,
      ip: entry.ip ?? null,
      detail: entry.detail ? JSON.stringify(entry.detail) : null,
    });
  }
}
