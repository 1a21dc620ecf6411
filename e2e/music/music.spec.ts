/**
 * Music together in real Chromium. (a) runs against the shared server, which has no Spotify keys.
 * (b) starts its own server with Spotify pointed at a local mock (SPOTIFY_API_URL /
 * SPOTIFY_ACCOUNTS_URL, test-only) and drives the whole flow with two users: connect (OAuth +
 * PKCE through the mock's consent redirect), search, add, live queue, listen together, vote skip.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { newUser, uniqueName } from '../fixtures.js';
import { CATALOGUE, startSpotifyMock } from './spotify-mock.js';

async function createRoom(page: Page, base: string, name: string): Promise<number> {
  const r = await page.request.post(`${base}/api/rooms`, { data: { name } });
  expect(r.status()).toBe(201);
  return ((await r.json()) as { room: { id: number } }).room.id;
}

test('(a) without Spotify keys the music panel says so and the room still works', async ({ browser, baseURL }) => {
  const a = await newUser(browser, 'mus');
  const roomId = await createRoom(a.page, baseURL!, 'No music here');
  await a.page.goto(`/rooms/${roomId}?a=music`);
  const notice = a.page.getByTestId('music-not-configured');
  await expect(notice).toBeVisible();
  await expect(notice).toContainText('Spotify is not configured on this server');
  await expect(a.page.getByTestId('spotify-connect')).toHaveCount(0);
  // The rest of the room works beside it.
  await a.page.getByLabel('Write a message').fill('chat still works');
  await a.page.getByLabel('Write a message').press('Enter');
  await expect(a.page.getByTestId('message').filter({ hasText: 'chat still works' })).toBeVisible();
  await a.context.close();
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

async function newUserAt(browser: Browser, base: string, prefix: string) {
  const context = await browser.newContext({ baseURL: base });
  const page = await context.newPage();
  const username = uniqueName(prefix);
  await page.goto('/register');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password', { exact: true }).fill('correct horse battery');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('heading', { name: 'Your rooms' })).toBeVisible();
  return { context, page, username };
}

test.describe('(b) with Spotify (mocked)', () => {
  let child: ChildProcess | undefined;
  let mock: Awaited<ReturnType<typeof startSpotifyMock>>;
  let base = '';
  let dataDir = '';
  let serverLog = '';

  test.beforeAll(async () => {
    mock = await startSpotifyMock('e2e-client-id', 'e2e-client-secret');
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    dataDir = mkdtempSync(join(tmpdir(), 'commonroom-e2e-music-'));
    // node --import tsx: one process we started and can stop by its own pid.
    child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        LOG_LEVEL: 'warn',
        AUTH_ATTEMPTS_PER_15MIN: '1000',
        STREAMING_ENABLED: 'false',
        SPOTIFY_CLIENT_ID: 'e2e-client-id',
        SPOTIFY_CLIENT_SECRET: 'e2e-client-secret',
        SPOTIFY_REDIRECT_URL: `${base}/api/music/callback`,
        SPOTIFY_API_URL: mock.url,
        SPOTIFY_ACCOUNTS_URL: mock.url,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (d: Buffer) => (serverLog += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (serverLog += d.toString()));
    const deadline = Date.now() + 45_000;
    for (;;) {
      try {
        if ((await fetch(`${base}/api/health`)).ok) break;
      } catch {
        /* not up yet */
      }
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`music e2e server did not start:\n${serverLog}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  });

  test.afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    await mock?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  test('two members share a queue; the Premium one plays it in sync on their Spotify', async ({ browser }) => {
    test.setTimeout(90_000);
    const a = await newUserAt(browser, base, 'ada');
    const b = await newUserAt(browser, base, 'bob');
    const roomId = await createRoom(a.page, base, 'Listening room');
    expect((await b.page.request.post(`${base}/api/rooms/${roomId}/join`, { data: {} })).status()).toBe(200);

    // Ada connects Spotify (Premium): our server -> the consent screen (mock) -> our callback -> back to the room.
    await a.page.goto(`/rooms/${roomId}?a=music`);
    await expect(a.page.getByTestId('music-connect-hint')).toBeVisible();
    mock.signInAs({ id: 'ada-sp', product: 'premium', displayName: 'Ada on Spotify' });
    await a.page.getByTestId('spotify-connect').click();
    await expect(a.page).toHaveURL(new RegExp(`/rooms/${roomId}\\?a=music$`));
    await expect(a.page.getByTestId('spotify-account')).toContainText('Ada on Spotify');
    await expect(a.page.getByTestId('spotify-account')).toContainText('Premium');

    // Bob opens the music tab; nothing plays yet.
    await b.page.goto(`/rooms/${roomId}?a=music`);
    await expect(b.page.getByTestId('now-playing')).toContainText('Nothing is playing');

    // Ada searches and adds a track: it starts for everyone.
    await a.page.getByLabel('Search Spotify or paste a link').fill('says');
    await a.page.getByRole('button', { name: 'Search', exact: true }).click();
    await a.page.getByRole('button', { name: 'Add Says to the queue' }).click();
    await expect(a.page.getByTestId('now-playing-title')).toHaveText('Says');
    await expect(b.page.getByTestId('now-playing-title')).toHaveText('Says');
    await expect(b.page.getByTestId('now-playing')).toContainText(`Added by ${a.username}`);
    await expect(b.page.getByRole('link', { name: 'Open in Spotify ↗' })).toHaveAttribute('href', `https://open.spotify.com/track/${CATALOGUE[1]!.id}`);

    // Bob connects a free account: he can add, but is told sync needs Premium.
    mock.signInAs({ id: 'bob-sp', product: 'free', displayName: 'Bob on Spotify' });
    await b.page.getByTestId('spotify-connect').click();
    await expect(b.page.getByTestId('spotify-account')).toContainText('Free');
    await expect(b.page.getByTestId('premium-note')).toContainText('needs Spotify Premium');
    await b.page.getByLabel('Search Spotify or paste a link').fill('nuvole');
    await b.page.getByRole('button', { name: 'Search', exact: true }).click();
    await b.page.getByRole('button', { name: 'Add Nuvole Bianche to the queue' }).click();
    await expect(a.page.getByTestId('queue-item')).toHaveCount(1);
    await expect(a.page.getByTestId('queue-item')).toContainText('Nuvole Bianche');
    await expect(a.page.getByTestId('queue-item')).toContainText(`added by ${b.username}`);

    // Listen together: Ada's own Spotify is started at the room's position (through our server).
    await a.page.getByTestId('sync-spotify').click();
    await expect(a.page.getByTestId('sync-note')).toContainText('Playing on your Spotify');
    expect(mock.plays).toHaveLength(1);
    expect(mock.plays[0]).toMatchObject({ spotifyUser: 'ada-sp', uris: [CATALOGUE[1]!.uri] });
    expect(mock.plays[0]!.positionMs).toBeGreaterThanOrEqual(0);
    expect(mock.plays[0]!.positionMs).toBeLessThan(60_000);
    if (process.env.SCREENS) {
      await a.page.screenshot({ path: '.tmp/screens/music-owner.png' });
      await b.page.screenshot({ path: '.tmp/screens/music-free-member.png' });
    }

    // Bob votes to skip (1 of 2 present); Ada, the owner, skips: both move on to Bob's track.
    await b.page.getByTestId('vote-skip').click();
    await expect(a.page.getByTestId('skip-votes')).toHaveText('1 of 2 votes to skip');
    await a.page.getByTestId('vote-skip').click();
    await expect(a.page.getByTestId('now-playing-title')).toHaveText('Nuvole Bianche');
    await expect(b.page.getByTestId('now-playing-title')).toHaveText('Nuvole Bianche');
    await expect(b.page.getByTestId('queue-empty')).toBeVisible();

    // Nobody's browser called Spotify itself, and the mock saw nothing it did not expect.
    expect(mock.unexpected).toEqual([]);
    await a.context.close();
    await b.context.close();
  });
});
