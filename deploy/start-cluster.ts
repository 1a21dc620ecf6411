/**
 * `npm run cluster [-- --nodes 3]`: starts redis + nginx + N nodes (deploy/topology.ts) in a
 * temporary directory, prints the addresses, and stops everything on Ctrl-C.
 */
import { parseArgs } from 'node:util';
import { haveTools, startTopology } from './topology.js';

const { values } = parseArgs({ options: { nodes: { type: 'string', default: '3' }, built: { type: 'boolean', default: false } } });
const tools = haveTools();
if (!tools.ok) {
  console.error(`missing: ${tools.missing.join(', ')} (Debian: apt-get install redis-server nginx)`);
  process.exit(1);
}
const t = await startTopology({ nodes: Number(values.nodes), built: values.built, logLevel: 'info' });
console.log(`Commonroom cluster ready: ${t.url}  (redis ${t.redisUrl}, data ${t.dataDir})`);
for (const n of t.nodes) console.log(`  node ${n.id}: ${n.url}`);
console.log('The first account (admin) must be created on a node directly, e.g. the first one. Ctrl-C stops everything.');
const stop = async () => {
  await t.stop();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
