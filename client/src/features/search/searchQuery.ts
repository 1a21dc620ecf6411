/**
 * Builds the search box's text from the filter controls and reads them back, so the URL (?q=)
 * holds one string and the controls stay in step with what was typed. Pure; the server parses
 * the same language (server/search/query-parser.ts) and is the judge of what is valid.
 */
export interface SearchFilters {
  text: string;
  from: string;
  room: string;
  hasLink: boolean;
  after: string;
  before: string;
}

const FILTER_RE = /(^|\s)(from|in|has|before|after):("[^"]*"|\S+)/gi;

const quoteIfNeeded = (v: string) => (/[\s"]/.test(v) ? `"${v.replace(/"/g, '')}"` : v);

/** Pure: filters + free text to one query string. */
export function composeQuery(f: SearchFilters): string {
  const parts = [f.text.trim()];
  if (f.from.trim()) parts.push(`from:${f.from.trim().replace(/^@/, '')}`);
  if (f.room.trim()) parts.push(`in:${quoteIfNeeded(f.room.trim())}`);
  if (f.hasLink) parts.push('has:link');
  if (f.after) parts.push(`after:${f.after}`);
  if (f.before) parts.push(`before:${f.before}`);
  return parts.filter(Boolean).join(' ');
}

/** Pure: a query string to filter controls (the last of each filter wins; has:file stays in the text). */
export function splitQuery(q: string): SearchFilters {
  const f: SearchFilters = { text: '', from: '', room: '', hasLink: false, after: '', before: '' };
  const text = q.replace(FILTER_RE, (whole, lead: string, key: string, raw: string) => {
    const value = raw.startsWith('"') ? raw.slice(1, -1) : raw;
    switch (key.toLowerCase()) {
      case 'from':
        f.from = value;
        return lead;
      case 'in':
        f.room = value;
        return lead;
      case 'has':
        if (value.toLowerCase() !== 'link') return whole;
        f.hasLink = true;
        return lead;
      case 'after':
        f.after = value;
        return lead;
      case 'before':
        f.before = value;
        return lead;
    }
    return whole;
  });
  f.text = text.replace(/\s+/g, ' ').trim();
  return f;
}
