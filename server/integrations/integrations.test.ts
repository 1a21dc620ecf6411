import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawDb, Client, command, newUsers, nextEvent, roomWith, startServer, type ClientSocket, type TestServer } from '../test/harness.js';

let server: TestServer;
let owner: Client;
let member: Client;
let outsider: Client;
let roomId: number;
let otherRoom: number;
let ms: ClientSocket;

const bot = (token: string) => new Client(server.url, { authorization: `Bearer ${token}` });
const count = async (sql: string) => ((await rawDb(server.app.db).get(sql)) as { n: number }).n;

beforeAll(async () => {
  server = await startServer({ config: { chatRatePer10s: 10_000, botRatePerMin: 5 } });
  [owner, member, outsider] = await newUsers(server, 'owner', 'member', 'outsider');
  roomId = (await roomWith(owner, [member], { name: 'Bots welcome' })).id;
  otherRoom = (await roomWith(outsider, [], { name: 'Elsewhere' })).id;
  ms = await member.socket();
  await command(ms, 'room:enter', { roomId });
});
afterAll(async () => {
  ms.close();
  await server.dispose();
});

describe('room API tokens', () => {
  it('an owner creates a token shown once; it posts live as a bot with its name', async () => {
    const r = await owner.post(`/api/rooms/${roomId}/integrations/tokens`, { name: 'CI', scopes: ['messages:write'] });
    expect(r.status).toBe(201);
    expect(r.body.secret).toMatch(/^crt_[A-Za-z0-9_-]{43}$/);
    expect(r.body.integration).toMatchObject({ kind: 'token', name: 'CI', scopes: ['messages:write'], hint: r.body.secret.slice(0, 8) });
    // Stored hashed: the secret is nowhere in the database.
    expect(await count(`SELECT count(*) AS n FROM room_integrations WHERE secret_hash = '${r.body.secret}'`)).toBe(0);
    const list = await owner.get(`/api/rooms/${roomId}/integrations`);
    expect(JSON.stringify(list.body)).not.toContain(r.body.secret);
    expect(await count("SELECT count(*) AS n FROM audit_log WHERE action = 'token.create'")).toBe(1);

    const live = nextEvent(ms, 'chat:message', (f) => f.message.text === 'Build #42 passed');
    const post = await bot(r.body.secret).post('/api/bot/messages', { text: 'Build #42 passed' });
    expect(post.status).toBe(201);
    const fact = await live;
    expect(fact.message.author).toMatchObject({ displayName: 'CI', isBot: true });
    expect(fact.message.roomId).toBe(roomId);
    // The bot is not a member and cannot sign in.
    expect((await owner.get(`/api/rooms/${roomId}/members`)).body.members?.some((m: { user: { isBot?: boolean } }) => m.user.isBot) ?? false).toBe(false);
    expect((await new Client(server.url).post('/api/auth/login', { username: fact.message.author.username, password: 'whatever1' })).status).toBe(400);
  });

  it('enforces scopes', async () => {
    const w = (await owner.post(`/api/rooms/${roomId}/integrations/tokens`, { name: 'Writer', scopes: ['messages:write'] })).body.secret;
    const rd = (await owner.post(`/api/rooms/${roomId}/integrations/tokens`, { name: 'Reader', scopes: ['messages:read'] })).body.secret;
    const before = await count('SELECT count(*) AS n FROM messages');
    expect((await bot(w).get('/api/bot/messages')).body.error.code).toBe('FORBIDDEN');
    expect((await bot(rd).post('/api/bot/messages', { text: 'nope' })).body.error.code).toBe('FORBIDDEN');
    expect(await count('SELECT count(*) AS n FROM messages')).toBe(before);
    const page = await bot(rd).get('/api/bot/messages?limit=5');
    expect(page.status).toBe(200);
    expect(page.body.messages.every((m: { roomId: number }) => m.roomId === roomId)).toBe(true);
  });

  it('a revoked token stops working at once', async () => {
    const r = (await owner.post(`/api/rooms/${roomId}/integrations/tokens`, { name: 'Temp', scopes: ['messages:write', 'messages:read'] })).body;
    expect((await bot(r.secret).post('/api/bot/messages', { text: 'still here' })).status).toBe(201);
    expect((await owner.del(`/api/rooms/${roomId}/integrations/${r.integration.id}`)).status).toBe(204);
    const after = await bot(r.secret).post('/api/bot/messages', { text: 'gone' });
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('UNAUTHENTICATED');
    expect((await bot(r.secret).get('/api/bot/messages')).status).toBe(401);
    expect((await owner.del(`/api/rooms/${roomId}/integrations/${r.integration.id}`)).status).toBe(404);
    expect(await count("SELECT count(*) AS n FROM audit_log WHERE action = 'token.revoke'")).toBe(1);
  });

  it('only the owner manages tokens; outsiders and other rooms are refused', async () => {
    const n = await count('SELECT count(*) AS n FROM room_integrations');
    expect((await member.post(`/api/rooms/${roomId}/integrations/tokens`, { name: 'x', scopes: ['messages:write'] })).status).toBe(403);
    expect((await outsider.post(`/api/rooms/${roomId}/integrations/tokens`, { name: 'x', scopes: ['messages:write'] })).body.error.code).toBe('NOT_MEMBER');
    expect((await new Client(server.url).post(`/api/rooms/${roomId}/integrations/tokens`, { name: 'x', scopes: ['messages:write'] })).status).toBe(401);
    expect((await member.get(`/api/rooms/${roomId}/integrations`)).status).toBe(403);
    expect(await count('SELECT count(*) AS n FROM room_integrations')).toBe(n);
    const mine = (await owner.get(`/api/rooms/${roomId}/integrations`)).body.integrations[0].id;
    // The outsider owns another room: they cannot revoke this room's token through theirs.
    expect((await outsider.del(`/api/rooms/${otherRoom}/integrations/${mine}`)).status).toBe(404);
    expect((await member.del(`/api/rooms/${roomId}/integrations/${mine}`)).status).toBe(403);
  });

  it('garbage is refused and changes nothing', async () => {
    const n = await count('SELECT count(*) AS n FROM room_integrations');
    for (const body of [{}, { name: '', scopes: ['messages:write'] }, { name: 'x', scopes: [] }, { name: 'x', scopes: ['admin'] }, { name: 'x'.repeat(41), scopes: ['messages:write'] }, { name: 'x', scopes: ['messages:write'], extra: 1 }]) {
      expect((await owner.post(`/api/rooms/${roomId}/integrations/tokens`, body)).status, JSON.stringify(body)).toBe(400);
    }
    expect(await count('SELECT count(*) AS n FROM room_integrations')).toBe(n);
    for (const auth of ['', 'Bearer', 'Bearer crt_nope', 'Basic abc', `Bearer ${'x'.repeat(300)}`]) {
      const r = await new Client(server.url, auth ? { authorization: auth } : {}).post('/api/bot/messages', { text: 'hi' });
      expect(r.status, auth).toBe(401);
    }
    const w = (await owner.post(`/api/rooms/${roomId}/integrations/tokens`, { name: 'W', scopes: ['messages:write'] })).body.secret;
    for (const body of [{}, { text: '' }, { text: 'x'.repeat(4001) }, { text: 'hi', roomId: otherRoom }]) {
      expect((await bot(w).post('/api/bot/messages', body)).status, JSON.stringify(body)).toBe(400);
    }
  });

  it('is rate-limited per token', async () => {
    const w = (await owner.post(`/api/rooms/${roomId}/integrations/tokens`, { name: 'Chatty', scopes: ['messages:write'] })).body.secret;
    for (let i = 0; i < 5; i++) expect((await bot(w).post('/api/bot/messages', { text: `m${i}` })).status).toBe(201);
    const r = await bot(w).post('/api/bot/messages', { text: 'too many' });
    expect(r.status).toBe(429);
    expect(r.body.error.code).toBe('RATE_LIMITED');
  });
});

describe('to-dos through a token', () => {
  it('lists, adds and completes room to-dos with todos:manage only, never another room’s', async () => {
    const t = (await owner.post(`/api/rooms/${roomId}/integrations/tokens`, { name: 'Planner', scopes: ['todos:manage'] })).body.secret;
    const w = (await owner.post(`/api/rooms/${roomId}/integrations/tokens`, { name: 'NoTodos', scopes: ['messages:write'] })).body.secret;
    const live = nextEvent(ms, 'todo:added');
    const add = await bot(t).post('/api/bot/todos', { text: 'Review chapter 3' });
    expect(add.status).toBe(201);
    expect((await live).todo.text).toBe('Review chapter 3');
    expect((await bot(t).get('/api/bot/todos')).body.todos.map((x: { text: string }) => x.text)).toContain('Review chapter 3');
    const done = await bot(t).post(`/api/bot/todos/${add.body.todo.id}/complete`, {});
    expect(done.status).toBe(200);
    expect(done.body.todo.done).toBe(true);
    expect((await bot(w).post('/api/bot/todos', { text: 'x' })).status).toBe(403);
    expect((await bot(t).post('/api/bot/todos', { text: '' })).status).toBe(400);
    // A to-do of another room is invisible to this token.
    const os = await outsider.socket();
    const foreign = await command(os, 'todo:add', { roomId: otherRoom, text: 'private' });
    os.close();
    expect(foreign.ok).toBe(true);
    if (foreign.ok) expect((await bot(t).post(`/api/bot/todos/${foreign.data.id}/complete`, {})).status).toBe(404);
    expect((await bot(t).post('/api/bot/todos/abc/complete', {})).status).toBe(400);
  });
});

describe('incoming webhooks', () => {
  it('posts a Slack-style {text} as the webhook bot, live; size-limited; revocable; owner-only', async () => {
    const created = await owner.post(`/api/rooms/${roomId}/integrations/webhooks`, { name: 'Deploys' });
    expect(created.status).toBe(201);
    const path: string = created.body.path;
    expect(path).toMatch(/^\/api\/hooks\/crh_[A-Za-z0-9_-]{43}$/);
    const anon = new Client(server.url);
    const live = nextEvent(ms, 'chat:message', (f) => f.message.text === '<script>x</script> deployed');
    const r = await anon.post(path, { text: '<script>x</script> deployed', username: 'ignored', icon_emoji: ':ghost:' });
    expect(r.status).toBe(201);
    expect((await live).message.author).toMatchObject({ displayName: 'Deploys', isBot: true });

    const n = await count('SELECT count(*) AS n FROM messages');
    expect((await anon.post(path, { text: 'x'.repeat(17_000) })).status).toBe(413);
    expect((await anon.post(path, {})).status).toBe(400);
    expect((await anon.post(path, { text: '' })).status).toBe(400);
    expect((await anon.post('/api/hooks/crh_guess', { text: 'hi' })).status).toBe(404);
    expect((await anon.post(path, 'not json')).status).toBe(400);
    expect(await count('SELECT count(*) AS n FROM messages')).toBe(n);

    expect((await member.post(`/api/rooms/${roomId}/integrations/webhooks`, { name: 'x' })).status).toBe(403);
    expect((await outsider.post(`/api/rooms/${roomId}/integrations/webhooks`, { name: 'x' })).status).toBe(403);
    // A webhook secret is not a Bearer token.
    expect((await bot(path.split('/').pop()!).post('/api/bot/messages', { text: 'hi' })).status).toBe(401);

    expect((await owner.del(`/api/rooms/${roomId}/integrations/${created.body.integration.id}`)).status).toBe(204);
    expect((await anon.post(path, { text: 'after revoke' })).status).toBe(404);
  });
});
