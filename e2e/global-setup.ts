/**
 * Registers the instance admin before any spec runs: the first account of a fresh instance is
 * its admin, and it must come from the machine itself (the server is on 127.0.0.1). Specs sign in
 * as it with `adminUser()` from fixtures.ts; every other account is a normal user.
 */
export const E2E_ADMIN = { username: 'e2e_admin', password: 'correct horse battery admin' };

export default async function globalSetup(): Promise<void> {
  const base = `http://127.0.0.1:${Number(process.env.E2E_PORT ?? 3107)}`;
  const res = await fetch(`${base}/api/auth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(E2E_ADMIN) });
  if (res.status !== 201) throw new Error(`could not register the e2e admin: ${res.status} ${await res.text()}`);
  const { user } = (await res.json()) as { user: { isAdmin: boolean } };
  if (!user.isAdmin) throw new Error('the e2e admin is not the first account of the instance');
}
