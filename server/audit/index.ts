/**
 * Audit log (issue 14, item 3): the admin list and CSV export, and retention pruning. The
 * AuditService itself is created in features.ts (every feature records through `app.audit`).
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { auditRoutes } from './audit.routes.js';

/** How often old entries are pruned. */
export const AUDIT_PRUNE_INTERVAL_MS = 3_600_000;

export const auditPlugin = fp(
  async (app: FastifyInstance) => {
    await app.register(auditRoutes);
    const days = app.config.auditRetentionDays;
    if (days > 0) {
      const prune = async () => {
        const n = await app.audit.prune(days);
        if (n) app.log.info({ pruned: n, retentionDays: days }, 'audit log pruned');
      };
      app.addHook('onReady', prune);
      const timer = setInterval(() => void prune().catch((err: unknown) => app.log.error({ err }, 'audit log pruning failed')), AUDIT_PRUNE_INTERVAL_MS);
      timer.unref();
      app.addHook('preClose', async () => clearInterval(timer));
    }
  },
  { name: 'audit', dependencies: ['db', 'auth'] },
);
