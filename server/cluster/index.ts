/**
 * The cluster plugin: `app.cluster` is a {@link LocalCluster} (one process, the default) or, when
 * REDIS_URL is set, a {@link RedisCluster} (leases, node bus, takeover). Registered before
 * Socket.IO, which then fans out through Redis (server/plugins/socket-io.ts).
 */
import fp from 'fastify-plugin';
import { LocalCluster, type Cluster } from './cluster.js';
import { useSharedRateStore } from '../plugins/rate-limit.js';

declare module 'fastify' {
  interface FastifyInstance {
    cluster: Cluster;
  }
}

export const NODE_HEADER = 'x-commonroom-node';

export const clusterPlugin = fp(
  async (app) => {
    const { redisUrl, nodeId, leaseMs, nodeUrl } = app.config.cluster;
    if (!redisUrl) {
      app.decorate('cluster', new LocalCluster(nodeId) as Cluster);
      return;
    }
    // Loaded only with REDIS_URL: ioredis is not part of a single node's start-up (ADR 0034).
    const [{ RedisCluster }, { RedisRateStore }] = await Promise.all([import('./redis-cluster.js'), import('./rate-store.js')]);
    const cluster = new RedisCluster(redisUrl, nodeId, { leaseMs, log: app.log, url: nodeUrl });
    await cluster.start();
    app.decorate('cluster', cluster as Cluster);
    // Every rate limit of this process (sign-in throttling included) counts what all nodes spent.
    useSharedRateStore(new RedisRateStore(cluster.redis));
    // Which node answered: for operators reading logs, and for the cluster tests.
    app.addHook('onSend', async (_request, reply) => {
      void reply.header(NODE_HEADER, nodeId);
    });
    app.addHook('onClose', async () => {
      useSharedRateStore(null);
      await cluster.stop();
    });
    app.log.info({ nodeId, leaseMs }, 'cluster: joined through Redis');
  },
  { name: 'cluster' },
);
