/**
 * Response headers beyond helmet's defaults: the CSP `connect-src` names only our own WebSocket
 * origin, and API JSON is never stored by browsers or proxies (it carries private room data).
 */
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';

/** A Host header we are willing to repeat inside a CSP: host name or address, optional port. */
const SAFE_HOST = /^(?:[a-z0-9-]+(?:\.[a-z0-9-]+)*|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

/**
 * Pure: the `connect-src` sources. With PUBLIC_URL, 'self' plus its ws/wss twin; otherwise 'self'
 * plus ws:// and wss:// on the host the page was served from (older browsers do not let 'self'
 * cover WebSockets). Never a bare `ws:`/`wss:` scheme, which would allow any host.
 */
export function connectSources(publicUrl: string | undefined): (string | ((req: IncomingMessage) => string))[] {
  if (publicUrl) {
    const url = new URL(publicUrl);
    return ["'self'", `${url.protocol === 'https:' ? 'wss:' : 'ws:'}//${url.host}`];
  }
  return [
    "'self'",
    (req) => {
      const host = req.headers.host ?? '';
      return SAFE_HOST.test(host) ? `ws://${host} wss://${host}` : '';
    },
  ];
}

/** `Cache-Control: no-store` on every /api JSON answer unless a route chose its own policy. */
export function noStoreApiJson(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply, payload) => {
    if (!reply.hasHeader('cache-control') && request.url.startsWith('/api/') && String(reply.getHeader('content-type') ?? '').startsWith('application/json')) {
      void reply.header('cache-control', 'no-store');
    }
    return payload;
  });
}
