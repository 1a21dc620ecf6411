/** A post-login redirect target from the query, only if it is a path on this site. */
export function safeNext(value: unknown): string | null {
  const v = Array.isArray(value) ? value[0] : value;
  if (typeof v !== 'string') return null;
  if (!v.startsWith('/') || v.startsWith('//') || v.startsWith('/\\')) return null;
  if (v.startsWith('/login') || v.startsWith('/register')) return null;
  return v;
}
