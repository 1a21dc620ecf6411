import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MUTED_FOREVER } from '../../protocol/notifications-constants.js';
import { defaultLevel, FOLDED, muteUntil, notificationTitle, notificationUrl, plainLine, roomAllows } from './notify-rules.js';

const link = { roomId: 3, messageId: 9, gameId: null, streamId: null, inviteCode: null };

describe('roomAllows', () => {
  it('mentions only: what is addressed to you and stream starts, not every message', () => {
    for (const k of ['mention', 'reply', 'chess', 'stream'] as const) expect(roomAllows(k, 'mentions', null, 0)).toBe(true);
    for (const k of ['message', 'dm'] as const) expect(roomAllows(k, 'mentions', null, 0)).toBe(false);
  });
  it('all lets everything through; nothing lets nothing through', () => {
    expect(roomAllows('message', 'all', null, 0)).toBe(true);
    for (const k of ['mention', 'reply', 'dm', 'message', 'chess', 'stream', 'file'] as const) expect(roomAllows(k, 'nothing', null, 0)).toBe(false);
  });
  it('a mute holds until its instant, then the level applies', () => {
    expect(roomAllows('mention', 'all', 1000, 999)).toBe(false);
    expect(roomAllows('mention', 'all', 1000, 1000)).toBe(true);
  });
  it('invites and alarms ignore room settings', () => {
    expect(roomAllows('invite', 'nothing', MUTED_FOREVER, 0)).toBe(true);
    expect(roomAllows('alarm', 'nothing', MUTED_FOREVER, 0)).toBe(true);
  });
  it('DMs default to all, rooms to mentions', () => {
    expect(defaultLevel('dm')).toBe('all');
    expect(defaultLevel('group')).toBe('all');
    expect(defaultLevel('room')).toBe('mentions');
  });
});

describe('muteUntil', () => {
  it.each([
    ['1h', 3_600_000],
    ['8h', 28_800_000],
    ['24h', 86_400_000],
  ] as const)('%s', (c, ms) => expect(muteUntil(c, 5)).toBe(5 + ms));
  it('forever and off', () => {
    expect(muteUntil('forever', 5)).toBe(MUTED_FOREVER);
    expect(muteUntil('off', 5)).toBeNull();
  });
});

describe('plainLine', () => {
  it('one line, marks stripped, usernames kept, cut with an ellipsis', () => {
    expect(plainLine('hey @bob_smith,\n**look** at `this` [link](https://x.test) ~~old~~')).toBe('hey @bob_smith, look at this link old');
    expect(plainLine('> quoted')).toBe('quoted');
    expect(plainLine('x'.repeat(300))).toHaveLength(200);
    expect(plainLine('<img src=x onerror=alert(1)>')).toBe('<img src=x onerror=alert(1)>');
  });
});

describe('title and url', () => {
  it('reads and links by kind', () => {
    expect(notificationTitle({ kind: 'mention', actorName: 'Ann', roomName: 'Hall', count: 1 })).toBe('Ann mentioned you in Hall');
    expect(notificationTitle({ kind: 'message', actorName: 'Ann', roomName: 'Hall', count: 3 })).toBe('3 new messages in Hall');
    expect(notificationUrl('mention', link)).toBe('/rooms/3?m=9');
    expect(notificationUrl('chess', { ...link, messageId: null, gameId: 7 })).toBe('/rooms/3?a=chess&g=7');
    expect(notificationUrl('stream', { ...link, messageId: null })).toBe('/rooms/3?a=live');
    expect(notificationUrl('invite', { ...link, inviteCode: 'K7QX2M' })).toBe('/r/K7QX2M');
    expect(notificationUrl('alarm', { ...link, roomId: null })).toBe('/?alarms=1');
  });
});

describe('FOLDED matches the unique index that folds unread notifications', () => {
  // The upsert's conflict target only works when the index predicate lists exactly these kinds.
  const kindsIn = (text: string) =>
    [...text.matchAll(/notifications_fold_unique[^;]*?kind in \(([^)]*)\)/g)].map((m) =>
      m[1]!
        .split(',')
        .map((k) => k.trim().replace(/^'|'$/g, ''))
        .sort(),
    );
  const folded = [...FOLDED].sort();
  const latestMigration = (dir: string) => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.sql') && readFileSync(`${dir}/${f}`, 'utf8').includes('CREATE UNIQUE INDEX') && readFileSync(`${dir}/${f}`, 'utf8').includes('notifications_fold_unique'));
    return readFileSync(`${dir}/${files.sort().at(-1)!}`, 'utf8');
  };
  it.each(['db/schema/notifications.ts', 'db/schema-pg/notifications.ts'])('%s', (file) => {
    expect(kindsIn(readFileSync(file, 'utf8'))).toEqual([folded]);
  });
  it.each(['db/migrations', 'db/migrations-pg'])('the latest migration in %s', (dir) => {
    expect(kindsIn(latestMigration(dir))).toEqual([folded]);
  });
});
