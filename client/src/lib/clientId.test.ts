import { describe, expect, it } from 'vitest';
import { clientIdSchema } from '@protocol/client-id.js';
import { newClientId } from './clientId';

describe('newClientId', () => {
  it('makes distinct keys the server accepts', () => {
    const ids = new Set(Array.from({ length: 100 }, newClientId));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(clientIdSchema.safeParse(id).success).toBe(true);
  });
});
