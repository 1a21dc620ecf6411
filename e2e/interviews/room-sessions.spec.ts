/**
 * A room's session list and the session notification, with four people in real Chromium: the
 * room's owner runs 26 interviews started from the room (more than a page), a candidate and an
 * observer take part in the oldest one, a plain member in none. The owner pages through every
 * session; the candidate and the observer see only theirs with their part; the plain member sees
 * none. When the interviewer writes in the session's chat, the candidate and the observer (away
 * from the session) get a notification that opens /session/<id>.
 */
import { expect, test, type Page } from '@playwright/test';
import { docShot, newUserViaApi, send, type User } from '../fixtures.js';

const SESSIONS = 26; // one more than a page (SESSIONS_PAGE = 25)

async function joinRoom(u: User, roomId: number, code: string): Promise<void> {
  expect((await u.context.request.post(`/api/rooms/${roomId}/join`, { data: { code } })).status()).toBe(200);
}

/** Opens the Interviews page of the room: the link its header carries (in a menu on narrow headers). */
async function roomSessionsOf(page: Page, roomId: number) {
  await page.goto(`/rooms/${roomId}`);
  await expect(page.getByTestId('nav-interviews').first()).toHaveAttribute('href', `/interviews?room=${roomId}`, { timeout: 60_000 });
  await page.goto(`/interviews?room=${roomId}`);
  const section = page.getByTestId('room-sessions');
  await expect(section).toBeVisible({ timeout: 60_000 });
  return section;
}

test.setTimeout(600_000);
test('a room’s sessions page by page for its owner, each participant sees theirs, and the session notification opens the session', async ({ browser }) => {
  const [owner, cand, obs, plain] = await Promise.all([newUserViaApi(browser, 'rsOwner'), newUserViaApi(browser, 'rsCand'), newUserViaApi(browser, 'rsObs'), newUserViaApi(browser, 'rsPlain')]);
  const r = await owner.context.request.post('/api/rooms', { data: { name: 'Hiring loop' } });
  expect(r.status()).toBe(201);
  const { room } = (await r.json()) as { room: { id: number; code: string } };
  for (const u of [cand, obs, plain]) await joinRoom(u, room.id, room.code);

  // 26 sessions from the room, oldest first: "Loop 01" … "Loop 26".
  const { problems } = (await (await owner.context.request.get('/api/interview-problems')).json()) as { problems: { id: number; title: string }[] };
  const twoSum = problems.find((p) => p.title === 'Two Sum')!;
  let first: { id: string; invites: { candidate: string; observer: string } } | null = null;
  for (let i = 1; i <= SESSIONS; i++) {
    const res = await owner.context.request.post('/api/interviews', { data: { name: `Loop ${String(i).padStart(2, '0')}`, problemId: twoSum.id, language: 'javascript', fromRoomId: room.id } });
    expect(res.status()).toBe(201);
    const body = (await res.json()) as { session: { id: string }; invites: { candidate: string; observer: string } };
    first ??= { id: body.session.id, invites: body.invites };
  }
  const oldest = first!;

  // The candidate and the observer accept their invites to the oldest session, then go back to the lobby.
  await cand.page.goto(`/session/${oldest.id}?invite=${oldest.invites.candidate}`);
  await expect(cand.page.getByTestId('session-role')).toHaveText('Candidate', { timeout: 60_000 });
  await obs.page.goto(`/session/${oldest.id}?invite=${oldest.invites.observer}`);
  await expect(obs.page.getByTestId('session-role')).toHaveText('Observer', { timeout: 60_000 });

  // The owner pages through all of them, newest first.
  const mine = await roomSessionsOf(owner.page, room.id);
  const rows = mine.getByTestId('room-session-row');
  await expect(rows).toHaveCount(25, { timeout: 60_000 });
  await expect(rows.first()).toContainText('Loop 26');
  await expect(mine).not.toContainText('Loop 01');
  await mine.getByTestId('room-session-more').click();
  await expect(rows).toHaveCount(SESSIONS);
  await expect(mine.getByTestId('room-session-more')).toHaveCount(0);
  const last = rows.last();
  await expect(last).toContainText('Loop 01');
  await expect(last).toContainText(cand.username);
  await expect(last.getByTestId('room-session-role')).toHaveText('Interviewer');
  // Each name appears once: the second page continued where the first ended.
  const names = await rows.locator('td:first-child a').allTextContents();
  expect(new Set(names).size).toBe(SESSIONS);
  await last.scrollIntoViewIfNeeded();
  await docShot(owner.page, 'docs/screenshots/interview-room-sessions.png');

  // The candidate and the observer see only the session they took part in, with their part; the plain member none.
  for (const [u, part] of [
    [cand, 'Candidate'],
    [obs, 'Observer'],
  ] as const) {
    const list = await roomSessionsOf(u.page, room.id);
    await expect(list.getByTestId('room-session-row')).toHaveCount(1, { timeout: 60_000 });
    await expect(list.getByTestId('room-session-row')).toContainText('Loop 01');
    await expect(list.getByTestId('room-session-role')).toHaveText(part);
    await expect(list.getByTestId('room-session-more')).toHaveCount(0);
    await expect(list).not.toContainText(/scorecard|recommendation/i);
  }
  const none = await roomSessionsOf(plain.page, room.id);
  await expect(none.getByText('No sessions here yet')).toBeVisible({ timeout: 60_000 });

  // Away from the session, the candidate and the observer are told when the interviewer writes in its chat.
  for (const u of [cand, obs]) {
    await u.page.goto('/');
    await expect(u.page.getByRole('heading', { name: 'Your rooms' })).toBeVisible({ timeout: 60_000 });
  }
  await owner.page.goto(`/session/${oldest.id}`);
  await expect(owner.page.getByTestId('session-role')).toHaveText('Interviewer', { timeout: 60_000 });
  await send(owner.page, 'Hi both, we start in five minutes');
  for (const u of [cand, obs]) {
    await expect(u.page.getByTestId('bell-count')).toHaveText('1', { timeout: 30_000 });
    await u.page.getByTestId('bell').click();
    const item = u.page.getByRole('dialog', { name: 'Notifications' }).locator('.item[data-kind="session"]');
    await expect(item).toContainText(`${owner.username} wrote in the interview “Loop 01”`);
    await expect(item).toContainText('we start in five minutes');
    if (u === cand) await docShot(u.page, 'docs/screenshots/interview-session-notification.png');
    await item.click();
    await expect(u.page).toHaveURL(new RegExp(`/session/${oldest.id}$`), { timeout: 30_000 });
    await expect(u.page.getByTestId('session-role')).toHaveText(u === cand ? 'Candidate' : 'Observer', { timeout: 60_000 });
    await expect(u.page.getByTestId('session-chat')).toContainText('we start in five minutes');
  }

  // The plain member got nothing, and guessing the session's room link leads nowhere.
  await plain.page.goto('/');
  await expect(plain.page.getByTestId('bell-count')).toHaveCount(0);
  const roomOfSession = ((await (await cand.context.request.get(`/api/interviews/${oldest.id}`)).json()) as { session: { roomId: number } }).session.roomId;
  expect((await plain.context.request.get(`/api/interviews/by-room/${roomOfSession}`)).status()).toBe(404);
  await plain.page.goto(`/session/room/${roomOfSession}`);
  await expect(plain.page.getByRole('heading', { name: 'Page not found' })).toBeVisible({ timeout: 60_000 });
  for (const u of [owner, cand, obs, plain]) await u.context.close();
});
