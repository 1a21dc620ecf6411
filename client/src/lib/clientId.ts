/**
 * A fresh idempotency key for a create command (protocol/client-id.ts). Make one per user action
 * and send the same one on every retry of it, so a lost ack never creates a duplicate.
 * `crypto.randomUUID` needs a secure context (not plain http on a LAN address); getRandomValues
 * works everywhere.
 */
export function newClientId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
