/** Minimal JSON-over-HTTP helpers for setting up users and rooms on our server. */

const TIMEOUT_MS = 30_000;

export interface JsonReply {
  status: number;
  body: unknown;
  setCookie: string[];
}

export async function postJson(baseUrl: string, path: string, body: unknown, cookie?: string): Promise<JsonReply> {
  const res = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null, setCookie: res.headers.getSetCookie() };
}

/** Throws with the server's reply when the status is not the expected one. */
export function expectStatus(reply: JsonReply, status: number, what: string): void {
  if (reply.status !== status) throw new Error(`${what}: HTTP ${reply.status} ${JSON.stringify(reply.body)}`);
}
