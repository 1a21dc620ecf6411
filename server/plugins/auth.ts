import cookie from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AuthService, type SessionInfo } from '../auth/auth.service.js';
import type { AppConfig } from '../config.js';
import { AppError } from './errors.js';
import { isOriginAllowed, isOwnNamedOrigin } from './origin.js';

export const SESSION_COOKIE = 'cr_session';

declare module 'fastify' {
  interface FastifyInstance {
    auth: AuthService;
    config: AppConfig;
  }
  interface FastifyRequest {
    session: SessionInfo | null;
  }
}

/** The signed-in session, or UNAUTHENTICATED. */
export function requireSession(request: FastifyRequest): SessionInfo {
  if (!request.session) throw new AppError('UNAUTHENTICATED', 'Please log in.');
  return request.session;
}

/** The signed-in session of an instance admin: UNAUTHENTICATED for visitors, FORBIDDEN for everyone else. */
export function requireAdmin(request: FastifyRequest): SessionInfo {
  const session = requireSession(request);
  if (!session.user.isAdmin) throw new AppError('FORBIDDEN', 'Only instance admins may do this.');
  return session;
}

export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, token: string): void {
  const { cookieSecure, sessionTtlMs } = request.server.config;
  reply.setCookie(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: cookieSecure === 'auto' ? request.protocol === 'https' : cookieSecure,
    maxAge: Math.floor(sessionTtlMs / 1000),
  });
}

export function clearSessionCookie(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
}

/**
 * Resolves the session cookie on every request and refuses state-changing requests from foreign
 * origins (CSRF defence on top of SameSite=Lax).
 */
export const authPlugin = fp(
  async (app) => {
    await app.register(cookie);
    const { config } = app;
    app.decorate('auth', new AuthService(app.db, config.sessionSecret, config.sessionTtlMs));
    app.decorateRequest('session', null);
    let warnedNamedHost = false;
    app.addHook('onRequest', async (request) => {
      if (!request.url.startsWith('/api/')) return;
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        const req = { origin: request.headers.origin, host: request.headers.host, protocol: request.protocol };
        if (!isOriginAllowed(req, { allowedOrigins: config.allowedOrigins, bindHost: config.host })) {
          if (!warnedNamedHost && isOwnNamedOrigin(req)) {
            warnedNamedHost = true;
            app.log.warn({ host: req.host }, 'Refused a request from this server\'s own page reached by a DNS name: set PUBLIC_URL (or ALLOWED_ORIGINS) to that address');
          }
          throw new AppError('ORIGIN_NOT_ALLOWED', 'This origin may not act on this server (the operator can allow it with PUBLIC_URL or ALLOWED_ORIGINS).');
        }
      }
      request.session = await app.auth.resolve(request.cookies[SESSION_COOKIE], request.ip);
    });
    const timer = setInterval(() => void app.auth.purgeExpired().catch((err: unknown) => app.log.error({ err }, 'purging expired sessions failed')), 3_600_000);
    timer.unref();
    app.addHook('onClose', async () => clearInterval(timer));
  },
  { name: 'auth', dependencies: ['db'] },
);
