import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuditAction } from '../../protocol/audit.js';
import type { AuditActor } from './audit.service.js';
import type { CommandContext } from '../plugins/socket-io.js';

/**
 * Records an audit entry for the signed-in user of an HTTP request: actor from the session, IP
 * from `request.ip` (the client's address; behind a proxy only with TRUST_PROXY=true). `target`
 * may be a user id (its current username is looked up) or an actor.
 */
export async function auditRequest(
  req: FastifyRequest,
  action: AuditAction,
  opts: { target?: number | AuditActor | null; roomId?: number | null; detail?: Record<string, unknown>; actor?: AuditActor | null } = {},
): Promise<void> {
  const { audit } = req.server;
  const user = req.session?.user;
  const actor = opts.actor !== undefined ? opts.actor : user ? { id: user.id, username: user.username } : null;
  const target = typeof opts.target === 'number' ? ((await audit.userRef(opts.target)) ?? { id: opts.target, username: '' }) : (opts.target ?? null);
  await audit.record({ action, actor, target, roomId: opts.roomId ?? null, ip: req.ip, ...(opts.detail ? { detail: opts.detail } : {}) });
}

/**
 * The client address of a socket, like `request.ip`: the connection's address, or with
 * TRUST_PROXY=true the client named first in X-Forwarded-For.
 */
export function socketIp(app: FastifyInstance, ctx: CommandContext): string {
  const forwarded = ctx.socket.handshake.headers['x-forwarded-for'];
  const first = typeof forwarded === 'string' ? forwarded.split(',')[0]?.trim() : undefined;
  return app.config.trustProxy && first ? first : ctx.socket.handshake.address;
}

/** Records an audit entry for the user of a socket command. */
export async function auditSocket(
  app: FastifyInstance,
  ctx: CommandContext,
  action: AuditAction,
  opts: { target?: number | null; roomId?: number | null; detail?: Record<string, unknown> } = {},
): Promise<void> {
  const { audit } = app;
  const target = typeof opts.target === 'number' ? ((await audit.userRef(opts.target)) ?? { id: opts.target, username: '' }) : null;
  await audit.record({ action, actor: await audit.userRef(ctx.userId), target, roomId: opts.roomId ?? null, ip: socketIp(app, ctx), ...(opts.detail ? { detail: opts.detail } : {}) });
}
