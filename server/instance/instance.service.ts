import { createHash, randomInt } from 'node:crypto';
import { and, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { first, one } from '../../db/query.js';
import { affectedRows } from '../../db/tx.js';
import { instanceSettings, inviteCodes, users } from '../../db/schema/index.js';
import type { Announcement, InstanceInfo, InstanceSettings, InviteView } from '../../protocol/instance.js';
import type { RegistrationMode } from '../../protocol/admin-constants.js';
import { AppError } from '../plugins/errors.js';

type SettingsRow = typeof instanceSettings.$inferSelect;
type InviteRow = typeof inviteCodes.$inferSelect;

/** Invite codes: 12 characters from an alphabet without look-alikes (about 60 bits). */
const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const CODE_LENGTH = 12;
export const newInviteCode = () => Array.from({ length: CODE_LENGTH }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join('');
/** Shown as XXXX-XXXX-XXXX; typed with or without dashes, any case. */
export const formatInviteCode = (code: string) => code.match(/.{1,4}/g)!.join('-');
const codeHash = (code: string) => createHash('sha256').update(code).digest('base64url');

export interface SettingsChange {
  registration?: RegistrationMode | undefined;
  announcement?: { text: string; startsAt: number | null; endsAt: number | null } | undefined;
}

/**
 * Instance-wide settings (one row in `instance_settings`, cached in memory: this process is its
 * only writer apart from the CLI, which does not touch settings), registration rules and
 * admin-made invite codes.
 */
export class InstanceService {
  private cached: SettingsRow | null = null;

  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  private async row(db: Db = this.db): Promise<SettingsRow> {
    if (this.cached) return this.cached;
    await db.insert(instanceSettings).values({ id: 1, updatedAt: this.now() }).onConflictDoNothing();
    this.cached = await one(db.select().from(instanceSettings).where(eq(instanceSettings.id, 1)).limit(1));
    return this.cached;
  }

  async settings(): Promise<InstanceSettings> {
    const r = await this.row();
    return { registration: r.registration, announcement: this.announcementOf(r), updatedAt: r.updatedAt };
  }

  private announcementOf(r: SettingsRow): Announcement {
    return { text: r.announcement, startsAt: r.announcementStartsAt, endsAt: r.announcementEndsAt, version: r.announcementVersion };
  }

  /** The announcement to show (now or later), or null when empty or over. */
  async currentAnnouncement(): Promise<Announcement | null> {
    const a = this.announcementOf(await this.row());
    if (!a.text || (a.endsAt !== null && a.endsAt <= this.now())) return null;
    return a;
  }

  async info(): Promise<InstanceInfo> {
    const firstUser = !(await first(this.db.select({ id: users.id }).from(users).limit(1)));
    return { registration: (await this.row()).registration, firstUser, announcement: await this.currentAnnouncement() };
  }

  /** Applies a change; returns the names of the fields that really changed (for the audit entry). */
  async update(change: SettingsChange, by: number): Promise<{ changed: string[]; announcementChanged: boolean }> {
    const r = await this.row();
    const set: Partial<SettingsRow> = {};
    const changed: string[] = [];
    if (change.registration && change.registration !== r.registration) {
      set.registration = change.registration;
      changed.push('registration');
    }
    const a = change.announcement;
    const announcementChanged = !!a && (a.text !== r.announcement || a.startsAt !== r.announcementStartsAt || a.endsAt !== r.announcementEndsAt);
    if (a && announcementChanged) {
      Object.assign(set, { announcement: a.text, announcementStartsAt: a.startsAt, announcementEndsAt: a.endsAt, announcementVersion: r.announcementVersion + 1 });
      changed.push('announcement');
    }
    if (changed.length) {
      this.cached = await one(this.db.update(instanceSettings).set({ ...set, updatedAt: this.now(), updatedBy: by }).where(eq(instanceSettings.id, 1)).returning());
    }
    return { changed, announcementChanged };
  }

  /**
   * The registration rule, run inside the account insert's transaction: the first account is
   * always allowed (an empty instance needs its admin); otherwise `closed` refuses and `invite`
   * needs a live code, whose use is counted here (with `tx`, the account insert's transaction).
   */
  async admit(isFirst: boolean, inviteCode: string | undefined, tx: Db = this.db): Promise<void> {
    if (isFirst) return;
    const mode = (await this.row(tx)).registration;
    if (mode === 'closed') throw new AppError('REGISTRATION_CLOSED', 'Registration is closed on this server.');
    if (mode === 'open') return;
    if (!inviteCode) throw new AppError('INVITE_REQUIRED', 'This server is invite-only: an invite code is needed.');
    const now = this.now();
    const used = affectedRows(
      await tx
        .update(inviteCodes)
      .set({ uses: sql`${inviteCodes.uses} + 1` })
      .where(
        and(
          eq(inviteCodes.codeHash, codeHash(inviteCode)),
          sql`${inviteCodes.revokedAt} IS NULL`,
          sql`(${inviteCodes.expiresAt} IS NULL OR ${inviteCodes.expiresAt} > ${now})`,
          sql`(${inviteCodes.maxUses} IS NULL OR ${inviteCodes.uses} < ${inviteCodes.maxUses})`,
        ),
      ),
    );
    if (!used) throw new AppError('INVALID_INVITE', 'That invite code is not valid (wrong, used up or expired).');
  }

  /** Cheap early refusal (before hashing a password) when registration is closed on a non-empty instance. */
  async precheck(): Promise<void> {
    if ((await this.row()).registration === 'closed' && !(await this.info()).firstUser) throw new AppError('REGISTRATION_CLOSED', 'Registration is closed on this server.');
  }

  async createInvite(by: number, opts: { note: string; maxUses?: number | undefined; expiresInHours?: number | undefined }): Promise<{ invite: InviteView; code: string }> {
    const code = newInviteCode();
    const now = this.now();
    const [row] = await this.db
      .insert(inviteCodes)
      .values({
        codeHash: codeHash(code),
        hint: code.slice(0, 4),
        note: opts.note,
        maxUses: opts.maxUses ?? null,
        expiresAt: opts.expiresInHours ? now + opts.expiresInHours * 3_600_000 : null,
        createdBy: by,
        createdAt: now,
      })
      .returning();
    return { invite: this.toView(row!, null), code: formatInviteCode(code) };
  }

  async invites(): Promise<InviteView[]> {
    const rows = await this.db
      .select({ i: inviteCodes, by: users.username })
      .from(inviteCodes)
      .leftJoin(users, eq(users.id, inviteCodes.createdBy))
      .orderBy(desc(inviteCodes.id))
      .limit(200);
    return rows.map(({ i, by }) => this.toView(i, by));
  }

  async revokeInvite(id: number): Promise<InviteView> {
    const row = await first(this.db.update(inviteCodes).set({ revokedAt: this.now() }).where(eq(inviteCodes.id, id)).returning());
    if (!row) throw new AppError('NOT_FOUND', 'No such invite.');
    return this.toView(row, null);
  }

  private toView(i: InviteRow, by: string | null): InviteView {
    return { id: i.id, hint: i.hint, note: i.note, maxUses: i.maxUses, uses: i.uses, expiresAt: i.expiresAt, revoked: i.revokedAt !== null, createdAt: i.createdAt, createdBy: by };
  }
}
