/**
 * Small helpers for dialect-neutral Drizzle queries (issue 15, ADR 0020 phase 2).
 *
 *   const row = await first(db.select().from(rooms).where(eq(rooms.id, id)).limit(1));
 *
 * replaces better-sqlite3's `.get()`; `await q` replaces `.all()` and `.run()`.
 */
export async function first<T>(query: PromiseLike<T[]>): Promise<T | undefined> {
  const rows = await query;
  return rows[0];
}

/** Like {@link first} for a query that always yields a row (an aggregate such as count(*)). */
export async function one<T>(query: PromiseLike<T[]>): Promise<T> {
  const rows = await query;
  if (rows.length === 0) throw new Error('query returned no row');
  return rows[0]!;
}
