import { createHmac, randomBytes } from 'node:crypto';
import { and, desc, eq, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { first } from '../../db/query.js';
import { affectedRows, transaction } from '../../db/tx.js';
import { roomIntegrations, users } from '../../db/schema/index.js';
import type { Integration, TokenScope } from '../../protocol/integrations.js';
import type { AuditService } from '../audit/audit.service.js';
import type { ChatService } from '../chat/chat.service.js';
import { AppError } from '../plugins/errors.js';
import { RateLimiter, perWindow } from '../plugins/rate-limit.js';
import type { MemberRow, RoomsService } from '../rooms/rooms.service.js';

type Row = typeof roomIntegrations.$inferSelect;

const toView = (r: Row): Integration => ({
  id: r.id,
  kind: r.kind,
  name: r.name,
  scopes: JSON.parse(r.scopes) as TokenScope[],
  hint: r.secretHint,
  createdAt: r.createdAt,
  lastUsedAt: r.lastUsedAt,
});

/**
 * Room API tokens: a room owner creates one (shown once), names and revokes it. Each posts as its
 * own bot user (`users.is_bot`, disabled: it can never log in, and it is not a room member). Only
 * the HMAC-SHA256 of the 256-bit secret is stored; a lookup by that hash means revocation takes
 * effect on the next request.
 */
export class IntegrationsService {
  private readonly rate: RateLimiter;

  constructor(
    private readonly db: Db,
    private readonly rooms: RoomsService,
    private readonly chat: ChatService,
    private readonly audit: AuditService,
    private readonly secret: string,
    ratePerMin: number,
  ) {
    this.rate = new RateLimiter(perWindow(ratePerMin, 60_000));
  }

  private hash(secret: string): string {
    return createHmac('sha256', this.secret).update(secret).digest('hex');
  }

  async createToken(roomId: number, actor: { id: number; username: string }, name: string, scopes: TokenScope[], kind: 'token' | 'webhook' = 'token'): Promise<{ integration: Integration; secret: string }> {
    await this.rooms.requireMember(roomId, actor.id, 'owner');
    const secret = `${kind === 'token' ? 'crt' : 'crh'}_${randomBytes(32).toString('base64url')}`;
    const now = Date.now();
    const row = await transaction(this.db, async (tx) => {
      // '~' is not allowed in usernames people register, so a bot's can never collide with one.
      const handle = `bot~${randomBytes(6).toString('hex')}`;
      const [bot] = await tx
        .insert(users)
        .values({ username: handle, usernameKey: handle, passwordHash: '!', displayName: name, avatarColor: '#5865f2', isBot: true, disabled: true, createdAt: now })
        .returning();
      const [made] = await tx
        .insert(roomIntegrations)
        .values({ roomId, kind, name, botUserId: bot!.id, scopes: JSON.stringify([...new Set(scopes)]), secretHash: this.hash(secret), secretHint: secret.slice(0, 8), createdBy: actor.id, createdAt: now })
        .returning();
      return made!;
    });
    await this.audit.record({ action: 'token.create', actor, roomId, detail: { integrationId: row.id, kind, name, scopes } });
    return { integration: toView(row), secret };
  }

  async list(roomId: number, actorId: number): Promise<Integration[]> {
    await this.rooms.requireMember(roomId, actorId, 'owner');
    const rows = await this.db
      .select()
      .from(roomIntegrations)
      .where(and(eq(roomIntegrations.roomId, roomId), isNull(roomIntegrations.revokedAt)))
      .orderBy(desc(roomIntegrations.id));
    return rows.map(toView);
  }

  async revoke(roomId: number, actor: { id: number; username: string }, id: number): Promise<void> {
    await this.rooms.requireMember(roomId, actor.id, 'owner');
    const changed = affectedRows(
      await this.db
        .update(roomIntegrations)
        .set({ revokedAt: Date.now() })
        .where(and(eq(roomIntegrations.id, id), eq(roomIntegrations.roomId, roomId), isNull(roomIntegrations.revokedAt))),
    );
    if (!changed) throw new AppError('NOT_FOUND', 'No such token or webhook in this room.');
    await this.audit.record({ action: 'token.revoke', actor, roomId, detail: { integrationId: id } });
  }

  /** The live token for an `Authorization: Bearer <secret>` header with `scope`; UNAUTHENTICATED / FORBIDDEN otherwise. */
  async authenticate(header: string | undefined, scope: TokenScope): Promise<Row> {
    const m = /^Bearer\s+(\S{1,200})$/i.exec(header ?? '');
    const row = m ? await first(this.db.select().from(roomIntegrations).where(eq(roomIntegrations.secretHash, this.hash(m[1]!))).limit(1)) : undefined;
    if (!row || row.revokedAt || row.kind !== 'token') throw new AppError('UNAUTHENTICATED', 'A valid room API token is required (Authorization: Bearer <token>).');
    if (!(JSON.parse(row.scopes) as string[]).includes(scope)) throw new AppError('FORBIDDEN', `This token lacks the ${scope} scope.`);
    await this.db.update(roomIntegrations).set({ lastUsedAt: Date.now() }).where(eq(roomIntegrations.id, row.id));
    return row;
  }

  /** The live webhook for the secret in its URL; NOT_FOUND otherwise (revoked or never existed). */
  async webhook(secret: string): Promise<Row> {
    const row = secret.length <= 200 ? await first(this.db.select().from(roomIntegrations).where(eq(roomIntegrations.secretHash, this.hash(secret))).limit(1)) : undefined;
    if (!row || row.revokedAt || row.kind !== 'webhook') throw new AppError('NOT_FOUND', 'No such webhook.');
    await this.db.update(roomIntegrations).set({ lastUsedAt: Date.now() }).where(eq(roomIntegrations.id, row.id));
    return row;
  }

  /** Posts as the token's bot; it reaches everyone in the room live. */
  async post(row: Row, text: string) {
    this.rate.enforce(`i${row.id}`, 'This integration is posting too fast.');
    const member: MemberRow = { roomId: row.roomId, userId: row.botUserId, role: 'member', mutedUntil: null, lastReadMessageId: 0, lastMessageAt: null, joinedAt: 0 };
    return this.chat.send(member, text);
  }
}
