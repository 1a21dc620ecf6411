/** Chat helpers for the end-to-end specs. */
import { expect, type Page } from '@playwright/test';

/** A creates an open room (no passcode); B joins it through the code box in the lobby. */
export async function sharedRoom(a: Page, b: Page, name: string): Promise<number> {
  await a.getByRole('button', { name: 'Create room' }).click();
  const create = a.getByRole('dialog', { name: 'Create a room' });
  await create.getByLabel('Name').fill(name);
  await create.getByRole('button', { name: 'Create room' }).click();
  const ready = a.getByRole('dialog', { name: 'Your room is ready' });
  const code = (await ready.getByTestId('invite-code').textContent())!.trim();
  await ready.getByRole('button', { name: 'Done' }).click();
  const roomId = Number(/\/rooms\/(\d+)/.exec(a.url())![1]);

  await b.getByLabel('Join with a code').fill(code.toLowerCase());
  await b.getByRole('button', { name: 'Join', exact: true }).click();
  await b.getByRole('button', { name: 'Join room' }).click();
  await expect(b).toHaveURL(new RegExp(`/rooms/${roomId}$`));
  return roomId;
}
