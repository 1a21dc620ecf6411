/** Row helpers for awaited Drizzle queries (both dialects): the first row, or exactly one. */
export const firstRow = <T>(rows: T[]): T | undefined => rows[0];

export function oneRow<T>(rows: T[]): T {
  const row = rows[0];
  if (row === undefined) throw new Error('Expected a row.');
  return row;
}
