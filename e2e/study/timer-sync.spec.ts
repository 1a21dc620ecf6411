import { expect, test } from '@playwright/test';
import { newUser } from '../fixtures.js';
import { seconds, sharedRoom } from './helpers.js';

test('the room pomodoro shows the same time on two clients; a pause on one is seen on the other', async ({ browser }) => {
  const a = await newUser(browser, 'tia');
  const b = await newUser(browser, 'tom');
  const roomId = await sharedRoom(a.page, b.page, 'Pomodoro sync');

  const timerA = a.page.getByTestId('timer-card');
  const timerB = b.page.getByTestId('timer-card');
  await expect(timerA.getByTestId('timer-display')).toHaveText('25:00');
  await expect(timerB.getByTestId('timer-display')).toHaveText('25:00');

  await timerA.getByRole('button', { name: 'Start' }).click();
  await expect(timerB.getByRole('button', { name: 'Pause' })).toBeVisible();
  await expect(timerB.getByText('Running', { exact: true })).toBeVisible();

  // Read both displays at (nearly) the same moment, a few times across second boundaries.
  for (let i = 0; i < 4; i++) {
    const [ta, tb] = await Promise.all([timerA.getByTestId('timer-display').textContent(), timerB.getByTestId('timer-display').textContent()]);
    expect(Math.abs(seconds(ta) - seconds(tb)), `${ta} vs ${tb}`).toBeLessThanOrEqual(1);
    expect(seconds(ta)).toBeGreaterThan(24 * 60);
    expect(seconds(ta)).toBeLessThanOrEqual(25 * 60);
    await a.page.waitForTimeout(430);
  }
  // The countdown moves, and the tab title shows it.
  await expect(timerA.getByTestId('timer-display')).not.toHaveText('25:00');
  await expect(a.page).toHaveTitle(/^\d\d:\d\d Focus · Pomodoro sync/);
  await expect(a.page.getByTestId('timer-chip')).toContainText(/\d\d:\d\d/);

  // B pauses: A sees it, and both freeze on exactly the same value.
  await timerB.getByRole('button', { name: 'Pause' }).click();
  await expect(timerA.getByText('Paused', { exact: true })).toBeVisible();
  await expect(timerA.getByRole('button', { name: 'Resume' })).toBeVisible();
  await expect(a.page.getByTestId('timer-announcement')).toContainText(`${b.username} paused the timer`);
  const frozen = await timerB.getByTestId('timer-display').textContent();
  await expect(timerA.getByTestId('timer-display')).toHaveText(frozen!);
  await a.page.waitForTimeout(1100);
  await expect(timerA.getByTestId('timer-display')).toHaveText(frozen!);

  // The goal prompt is there while the focus phase is under way; B's goal shows beside B.
  await b.page.getByLabel("What's your goal for this session?").fill('Chapter 4 summary');
  await b.page.getByRole('button', { name: 'Set', exact: true }).click();
  await expect(b.page.getByTestId('my-goal')).toHaveText('Chapter 4 summary');
  await expect(a.page.getByTestId(`member-${b.username}`).getByTestId('member-goal')).toContainText('Chapter 4 summary');

  // The lobby card shows what the room is doing.
  await a.page.goto('/');
  const card = a.page.getByRole('region', { name: 'My rooms' }).getByTestId(`room-card-${roomId}`);
  await expect(card).toContainText('Focusing · paused');
  // …and follows it live (lobby:timer) when B resumes.
  await timerB.getByRole('button', { name: 'Resume' }).click();
  await expect(card).not.toContainText('paused');
  await expect(card).toContainText('Focusing');

  await a.context.close();
  await b.context.close();
});
