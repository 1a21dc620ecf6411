// Module hook (node:module register) for server/test/boot-imports.ts: posts every bare specifier
// the ESM loader resolves (`pg`, `drizzle-orm/pg-core`…) to the port it was given.
let port;
export function initialize(data) {
  port = data.port;
}
export async function resolve(specifier, context, next) {
  if (!/^(node:|data:|file:|\.|\/)/.test(specifier)) port.postMessage(specifier);
  return next(specifier, context);
}
