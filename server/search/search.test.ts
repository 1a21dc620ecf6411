import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SearchPage } from '../../protocol/search.js';
import { rawDb, Client, command, newUsers, roomWith, startServer, type TestServer } from '../test/harness.js';

let server: TestServer;
let alice: Client;
let bob: Client;
let carol: Client;
let dave: Client;
let erin: Client;
let hall: number;
let lab: number;
let attic: number;

const search = (c: Client, q: string, extra = '') => c.get<SearchPage & { error?: { code: string; message: string } }>(`/api/search?q=${encodeURIComponent(q)}${extra}`);
const ids = async (c: Client, q: string) => {
  const r = await search(c, q);
  if (r.status !== 200) throw new Error(`${r.status} ${JSON.stringify(r.body)}`);
  return r.body.hits.map((h) => h.messageId);
};
async function say(c: Client, roomId: number, text: string): Promise<number> {
  const r = await c.post(`/api/rooms/${roomId}/messages`, { text });
  if (r.status !== 201) throw new Error(`post failed ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.message.id;
}

beforeAll(async () => {
  server = await startServer({ config: { chatRatePer10s: 10_000, searchRatePer10s: 10_000 } });
  [alice, bob, carol, dave, erin] = await newUsers(server, 'alice', 'bob', 'carol', 'dave', 'erin');
  hall = (await roomWith(alice, [bob, carol, dave], { name: 'Study hall' })).id;
  lab = (await roomWith(bob, [alice], { name: 'Physics lab' })).id;
  attic = (await roomWith(erin, [], { name: 'Attic' })).id;
});
afterAll(async () => {
  await server.dispose();
});

describe('message search', () => {
  it('finds a message by a partial word, with the match highlighted, in every room the user is in', async () => {
    const m1 = await say(alice, hall, 'An eigenvector is only scaled by the map');
    const m2 = await say(bob, lab, 'Eigenvalues of the Hamiltonian');
    await say(erin, attic, 'eigenspace notes nobody else may read');
    const r = await search(alice, 'eigen');
    expect(r.status).toBe(200);
    expect(r.body.hits.map((h) => h.messageId)).toEqual([m2, m1]);
    const hit = r.body.hits[1]!;
    expect(hit).toMatchObject({ roomId: hall, roomName: 'Study hall', author: { username: 'alice' } });
    expect(hit.snippet.filter((s) => s.hl).map((s) => s.text)).toEqual(['eigenvector']);
    expect(hit.snippet.map((s) => s.text).join('')).toBe('An eigenvector is only scaled by the map');
    // erin's attic is hers alone.
    expect(await ids(erin, 'eigen')).toHaveLength(1);
  });

  it('folds case and diacritics, and matches phrases exactly', async () => {
    const id = await say(alice, hall, 'Meet at the Café Über at noon');
    expect(await ids(bob, 'cafe uber')).toContain(id);
    expect(await ids(bob, '"café über"')).toContain(id);
    expect(await ids(bob, '"über café"')).not.toContain(id);
  });

  it('edits and deletes update the index at once', async () => {
    const as = await alice.socket();
    await command(as, 'room:enter', { roomId: hall });
    const id = await say(alice, hall, 'the quokka photo');
    expect(await ids(bob, 'quokka')).toEqual([id]);
    expect(await command(as, 'chat:edit', { roomId: hall, messageId: id, text: 'the wombat photo' })).toMatchObject({ ok: true });
    expect(await ids(bob, 'quokka')).toEqual([]);
    expect(await ids(bob, 'womb')).toEqual([id]);
    expect(await command(as, 'chat:delete', { roomId: hall, messageId: id })).toMatchObject({ ok: true });
    expect(await ids(bob, 'wombat')).toEqual([]);
    as.close();
  });

  it('filters by author, room (name or id), link, and day', async () => {
    const a = await say(alice, hall, 'thermo notes https://example.org/thermo');
    const b = await say(bob, hall, 'thermo homework');
    const c = await say(bob, lab, 'thermo lab report');
    expect(await ids(alice, 'thermo')).toEqual([c, b, a]);
    expect(await ids(alice, 'thermo from:bob')).toEqual([c, b]);
    expect(await ids(alice, 'thermo from:@BOB from:alice')).toEqual([c, b, a]);
    expect(await ids(alice, 'thermo from:nobody')).toEqual([]);
    expect(await ids(alice, 'thermo in:"study HALL"')).toEqual([b, a]);
    expect(await ids(alice, `thermo in:${lab}`)).toEqual([c]);
    expect(await ids(alice, `thermo in:${attic}`)).toEqual([]);
    expect(await ids(alice, 'thermo has:link')).toEqual([a]);
    expect(await ids(alice, 'has:link in:"Study hall"')).toEqual([a]);
    expect(await ids(alice, 'thermo has:file')).toEqual([]);
    // Pin the days (alice's time zone is UTC): a on Jan 10, b on Jan 20, c on Jan 30.
    const setDay = (at: number, id: number) => rawDb(server.app.db).run('UPDATE messages SET created_at = ? WHERE id = ?', at, id);
    await setDay(Date.UTC(2026, 0, 10, 12), a);
    await setDay(Date.UTC(2026, 0, 20, 0, 0, 1), b);
    await setDay(Date.UTC(2026, 0, 30, 23, 59), c);
    expect(await ids(alice, 'thermo after:2026-01-10')).toEqual([c, b]);
    expect(await ids(alice, 'thermo before:2026-01-20')).toEqual([a]);
    expect(await ids(alice, 'thermo after:2026-01-19 before:2026-01-30')).toEqual([b]);
  });

  it('filter tokens live in their own column: words never match them, and an edit moves a message in or out of has:link', async () => {
    const cs = await carol.socket();
    await command(cs, 'room:enter', { roomId: hall });
    const id = await say(carol, hall, 'quasar survey');
    for (const word of ['haslink', `r${hall}`, `u${carol.userId}`, 'scope']) expect(await ids(alice, word)).toEqual([]);
    expect(await ids(alice, 'quasar has:link')).toEqual([]);
    expect(await command(cs, 'chat:edit', { roomId: hall, messageId: id, text: 'quasar survey www.example.org/q' })).toMatchObject({ ok: true });
    expect(await ids(alice, 'quasar has:link')).toEqual([id]);
    expect(await ids(alice, `quasar from:carol in:${hall}`)).toEqual([id]);
    expect(await command(cs, 'chat:edit', { roomId: hall, messageId: id, text: 'quasar survey, no link' })).toMatchObject({ ok: true });
    expect(await ids(alice, 'quasar has:link')).toEqual([]);
    cs.close();
  });

  it('pages newest first without repeats', async () => {
    const sent: number[] = [];
    for (let i = 0; i < 25; i++) sent.push(await say(alice, hall, `pagination probe ${i}`));
    const seen: number[] = [];
    let cursor: number | null = null;
    let pages = 0;
    do {
      const r: { status: number; body: SearchPage } = await search(alice, 'probe', `&limit=10${cursor ? `&cursor=${cursor}` : ''}`);
      expect(r.status).toBe(200);
      seen.push(...r.body.hits.map((h) => h.messageId));
      cursor = r.body.nextCursor;
      pages++;
    } while (cursor !== null);
    expect(pages).toBe(3);
    expect(seen).toEqual([...sent].reverse());
  });

  it('FTS5 syntax in the box is plain text: never an error from the engine, never a 500', async () => {
    const id = await say(alice, hall, 'NEAR(cats dogs) AND "quotes" col:value a*b ^caret -minus');
    for (const q of ['NEAR(cats', 'AND', 'OR NOT', 'col:value', 'a*b', '^caret', '-minus', '"quotes"', "it's", '(', ')', '*', 'cats)', '{text}: x', 'x + y', 'NOT', '""""']) {
      const r = await search(alice, q);
      expect([200, 400], q).toContain(r.status);
      if (r.status === 400) expect(r.body.error!.code).toBe('BAD_QUERY');
    }
    expect(await ids(alice, 'NEAR(cats')).toContain(id);
    expect(await ids(alice, 'col:value')).toContain(id);
    expect(await ids(alice, '^caret -minus')).toContain(id);
  });

  it('refuses unreadable queries with BAD_QUERY and garbage parameters with VALIDATION', async () => {
    for (const q of ['', '   ', '"open quote', 'from:', 'has:pdf', 'before:2026-13-01', 'after:soon']) {
      const r = await search(alice, q);
      expect(r.status, q).toBe(400);
      expect(r.body.error!.code).toBe('BAD_QUERY');
      expect(r.body.error!.message.length).toBeGreaterThan(5);
    }
    for (const extra of ['&limit=0', '&limit=abc', '&limit=51', '&cursor=-3', '&cursor=x']) {
      expect((await search(alice, 'probe', extra)).status, extra).toBe(400);
    }
    expect((await search(alice, 'x'.repeat(501))).status).toBe(400);
    expect((await alice.get('/api/search')).status).toBe(400);
    // Random bytes: 200 or 400, never anything else.
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 60; i++) {
      const q = Array.from({ length: 1 + Math.floor(rnd() * 30) }, () => String.fromCharCode(32 + Math.floor(rnd() * 95))).join('');
      expect([200, 400], q).toContain((await search(alice, q)).status);
    }
  });

  it('is rate-limited per user', async () => {
    const limited = await startServer({ config: { searchRatePer10s: 3 } });
    try {
      const [u] = await newUsers(limited, 'searcher');
      for (let i = 0; i < 3; i++) expect((await search(u.moveTo(limited), 'anything')).status).toBe(200);
      const r = await search(u, 'anything');
      expect(r.status).toBe(429);
      expect(r.body.error!.code).toBe('RATE_LIMITED');
    } finally {
      await limited.dispose();
    }
  });

  it('asks who is searching', async () => {
    const r = await new Client(server.url).get('/api/search?q=eigen');
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe('UNAUTHENTICATED');
  });
});

describe('search visibility follows membership', () => {
  it('a user who left, was kicked or was banned no longer finds that room’s messages', async () => {
    const id = await say(alice, hall, 'zeppelin secret plans');
    for (const c of [bob, carol, dave]) expect(await ids(c, 'zeppelin')).toEqual([id]);
    expect(await ids(erin, 'zeppelin')).toEqual([]);

    expect((await bob.post(`/api/rooms/${hall}/leave`)).status).toBe(204);
    expect((await alice.post(`/api/rooms/${hall}/members/${carol.userId}/kick`)).status).toBe(204);
    expect((await alice.post(`/api/rooms/${hall}/members/${dave.userId}/ban`, { reason: 'spam' })).status).toBe(204);
    for (const c of [bob, carol, dave]) {
      expect(await ids(c, 'zeppelin')).toEqual([]);
      expect(await ids(c, `zeppelin in:${hall}`)).toEqual([]);
      expect(await ids(c, 'in:"Study hall"')).toEqual([]);
    }
    // bob still reads the lab he is in.
    expect((await ids(bob, 'hamiltonian')).length).toBe(1);
    expect(await ids(alice, 'zeppelin')).toEqual([id]);
  });

  it('direct messages are found by their participants only; a 1:1 with someone you blocked is not', async () => {
    const [gina, hank] = await newUsers(server, 'gina', 'hank');
    await roomWith(gina, [hank], { name: 'Gina and Hank' });
    const dm = await gina.post('/api/dms', { userId: hank.userId });
    expect(dm.status).toBe(201);
    const id = await say(hank, dm.body.conversation.id, 'quokka rendezvous at noon');
    expect(await ids(gina, 'quokka')).toEqual([id]);
    expect(await ids(hank, 'quokka')).toEqual([id]);
    expect(await ids(alice, 'quokka')).toEqual([]);
    expect((await gina.put(`/api/blocks/${hank.userId}`, {})).status).toBeLessThan(300);
    expect(await ids(gina, 'quokka')).toEqual([]);
    expect((await gina.del(`/api/blocks/${hank.userId}`)).status).toBeLessThan(300);
    expect(await ids(gina, 'quokka')).toEqual([id]);
  });

  it('a ban that deletes the user’s messages takes them out of the index', async () => {
    const [frank] = await newUsers(server, 'frank');
    const room = await roomWith(alice, [frank], { name: 'Purge room' });
    await say(frank, room.id, 'xylophone spam spam');
    expect((await ids(alice, 'xylophone')).length).toBe(1);
    expect((await alice.post(`/api/rooms/${room.id}/members/${frank.userId}/ban`, { deleteMessages: true })).status).toBe(204);
    expect(await ids(alice, 'xylophone')).toEqual([]);
  });
});

describe('history around a message (jump to a search result)', () => {
  it('returns a page with the message in the middle, and says whether newer ones follow', async () => {
    const sent: number[] = [];
    for (let i = 0; i < 30; i++) sent.push(await say(bob, lab, `around probe ${i}`));
    const target = sent[10]!;
    const r = await alice.get(`/api/rooms/${lab}/messages?around=${target}&limit=10`);
    expect(r.status).toBe(200);
    const got = r.body.messages.map((m: { id: number }) => m.id);
    expect(got).toEqual(sent.slice(6, 16));
    expect(r.body.hasNewer).toBe(true);
    expect(r.body.nextCursor).toBe(sent[6]);
    const last = await alice.get(`/api/rooms/${lab}/messages?around=${sent[29]}&limit=10`);
    expect(last.body.hasNewer).toBe(false);
    const as = await alice.socket();
    const ack = await command(as, 'chat:history', { roomId: lab, around: target, limit: 4 });
    expect(ack.ok && ack.data.messages.map((m) => m.id)).toEqual(sent.slice(9, 13));
    as.close();
  });

  it('refuses a message of another room, outsiders, and garbage', async () => {
    const other = await say(erin, attic, 'attic only');
    expect((await alice.get(`/api/rooms/${lab}/messages?around=${other}`)).body.error.code).toBe('NOT_FOUND');
    expect((await erin.get(`/api/rooms/${lab}/messages?around=1`)).body.error.code).toBe('NOT_MEMBER');
    expect((await alice.get(`/api/rooms/${lab}/messages?around=abc`)).status).toBe(400);
    expect((await alice.get(`/api/rooms/${lab}/messages?around=0`)).status).toBe(400);
  });
});
