/**
 * The set-up the documents suites share: a real server, a room of dora (owner), ann and ben, an
 * outsider xavier, and one socket each (the members' in the room).
 */
import * as Y from 'yjs';
import { DOC_TEXT } from '../../protocol/docs-constants.js';
import { command, newUsers, ok, roomWith, startServer, type Client, type ClientSocket, type TestServer } from '../test/harness.js';

export interface DocRoom {
  server: TestServer;
  owner: Client;
  ann: Client;
  ben: Client;
  outsider: Client;
  roomId: number;
  os: ClientSocket;
  as: ClientSocket;
  bs: ClientSocket;
  xs: ClientSocket;
}

/** One socket per person; the members' enter the room. */
async function connect(clients: Client[], roomId: number): Promise<ClientSocket[]> {
  const sockets = await Promise.all(clients.map((c) => c.socket()));
  await Promise.all(sockets.slice(0, 3).map((s) => ok(command(s, 'room:enter', { roomId }))));
  return sockets;
}

export async function docRoom(): Promise<DocRoom> {
  const server = await startServer();
  const [owner, ann, ben, outsider] = await newUsers(server, 'dora', 'ann', 'ben', 'xavier');
  const { id: roomId } = await roomWith(owner, [ann, ben]);
  const [os, as, bs, xs] = await connect([owner, ann, ben, outsider], roomId);
  return { server, owner, ann, ben, outsider, roomId, os: os!, as: as!, bs: bs!, xs: xs! };
}

/** Restarts the server of `f` on the same database; the same people reconnect. */
export async function restartDocRoom(f: DocRoom): Promise<DocRoom> {
  for (const s of [f.os, f.as, f.bs, f.xs]) s.disconnect();
  const server = await f.server.restart();
  const people = [f.owner, f.ann, f.ben, f.outsider];
  for (const c of people) c.moveTo(server);
  const [os, as, bs, xs] = await connect(people, f.roomId);
  return { ...f, server, os: os!, as: as!, bs: bs!, xs: xs! };
}

export async function disposeDocRoom(f: DocRoom | undefined): Promise<void> {
  if (!f) return;
  for (const s of [f.os, f.as, f.bs, f.xs]) s?.disconnect();
  await f.server?.dispose();
}

/** A typist: a Y.Doc whose every local change becomes one update to send. */
export function typist(): { ydoc: Y.Doc; type(s: string): Uint8Array } {
  const ydoc = new Y.Doc();
  return {
    ydoc,
    type(s: string) {
      let out: Uint8Array | null = null;
      const grab = (u: Uint8Array) => (out = u);
      ydoc.on('update', grab);
      ydoc.getText(DOC_TEXT).insert(ydoc.getText(DOC_TEXT).length, s);
      ydoc.off('update', grab);
      return out!;
    },
  };
}
