/**
 * The search box's little language, parsed without touching the database (pure, unit-tested):
 *
 *   words  "exact phrase"  from:<username>  in:<room name or id>  in:"room with spaces"
 *   has:link  has:file  before:YYYY-MM-DD  after:YYYY-MM-DD
 *
 * Free text never reaches FTS5 as syntax: every word and phrase is quoted (`"..."` with `"`
 * doubled), so `AND`, `NEAR`, `*`, `:`, `(`, `-` and quotes are plain text. Words of two or more
 * characters match as prefixes ("partial words"); phrases match exactly.
 */

export const SEARCH_FILTER_KEYS = ['from', 'in', 'has', 'before', 'after'] as const;
export type SearchFilterKey = (typeof SEARCH_FILTER_KEYS)[number];
export const HAS_VALUES = ['link', 'file'] as const;

export const MAX_SEARCH_TERMS = 16;

export interface SearchTerm {
  text: string;
  phrase: boolean;
}

export interface ParsedSearch {
  terms: SearchTerm[];
  /** Lower-cased usernames (any of them). */
  from: string[];
  /** Room names or ids as typed (any of them). */
  in: string[];
  has: (typeof HAS_VALUES)[number][];
  /** Only messages sent before this local day (YYYY-MM-DD). */
  before: string | null;
  /** Only messages sent after this local day. */
  after: string | null;
}

/** A query the user must fix; the message says how. */
export class SearchSyntaxError extends Error {}

const USERNAME_RE = /^[a-zA-Z0-9_.-]{1,24}$/;
const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** A term with no letter or digit has no tokens: it would match nothing (or confuse FTS5). */
const HAS_TOKEN_RE = /[\p{L}\p{N}]/u;

/** Pure: is "YYYY-MM-DD" a real calendar day? */
export function isCalendarDay(day: string): boolean {
  const m = DAY_RE.exec(day);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return y >= 1970 && date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

interface RawToken {
  key: SearchFilterKey | null;
  value: string;
  quoted: boolean;
}

function tokenize(input: string): RawToken[] {
  const out: RawToken[] = [];
  let i = 0;
  const n = input.length;
  const readQuoted = (): string => {
    const end = input.indexOf('"', i + 1);
    if (end < 0) throw new SearchSyntaxError('A quote is not closed: add the missing ".');
    const v = input.slice(i + 1, end);
    i = end + 1;
    return v;
  };
  const readBare = (): string => {
    const start = i;
    while (i < n && !/\s/.test(input[i]!)) i++;
    return input.slice(start, i);
  };
  while (i < n) {
    if (/\s/.test(input[i]!)) {
      i++;
      continue;
    }
    if (input[i] === '"') {
      out.push({ key: null, value: readQuoted(), quoted: true });
      continue;
    }
    const m = /^([a-zA-Z]+):/.exec(input.slice(i, i + 12));
    const key = m ? (m[1]!.toLowerCase() as SearchFilterKey) : null;
    if (m && (SEARCH_FILTER_KEYS as readonly string[]).includes(key!)) {
      i += m[0].length;
      if (i >= n || /\s/.test(input[i]!)) throw new SearchSyntaxError(`${key}: needs a value, for example ${example(key!)}.`);
      const quoted = input[i] === '"';
      out.push({ key, value: quoted ? readQuoted() : readBare(), quoted });
      continue;
    }
    out.push({ key: null, value: readBare(), quoted: false });
  }
  return out;
}

function example(key: SearchFilterKey): string {
  return { from: 'from:alice', in: 'in:"Study hall"', has: 'has:link', before: 'before:2026-01-31', after: 'after:2026-01-01' }[key];
}

/** Pure: parses the search box; throws SearchSyntaxError with a message for the user. */
export function parseSearchQuery(input: string): ParsedSearch {
  const parsed: ParsedSearch = { terms: [], from: [], in: [], has: [], before: null, after: null };
  for (const t of tokenize(input)) {
    const value = t.value.trim();
    switch (t.key) {
      case null:
        if (HAS_TOKEN_RE.test(value)) parsed.terms.push({ text: value, phrase: t.quoted });
        break;
      case 'from': {
        const name = value.replace(/^@/, '');
        if (!USERNAME_RE.test(name)) throw new SearchSyntaxError('from: takes a username (letters, digits, _ . -).');
        if (!parsed.from.includes(name.toLowerCase())) parsed.from.push(name.toLowerCase());
        break;
      }
      case 'in':
        if (!value || value.length > 60) throw new SearchSyntaxError('in: takes a room name (up to 60 characters) or a room id.');
        parsed.in.push(value);
        break;
      case 'has': {
        const v = value.toLowerCase();
        if (!(HAS_VALUES as readonly string[]).includes(v)) throw new SearchSyntaxError('has: takes link or file.');
        if (!parsed.has.includes(v as 'link')) parsed.has.push(v as 'link' | 'file');
        break;
      }
      case 'before':
      case 'after':
        if (!isCalendarDay(value)) throw new SearchSyntaxError(`${t.key}: takes a date written YYYY-MM-DD, for example ${example(t.key)}.`);
        parsed[t.key] = value;
        break;
    }
  }
  if (parsed.terms.length > MAX_SEARCH_TERMS) throw new SearchSyntaxError(`Use at most ${MAX_SEARCH_TERMS} words.`);
  if (!parsed.terms.length && !parsed.from.length && !parsed.in.length && !parsed.has.length && !parsed.before && !parsed.after) {
    throw new SearchSyntaxError('Type a word to search for (or a filter such as from:alice).');
  }
  if (parsed.before && parsed.after && parsed.after >= parsed.before) {
    throw new SearchSyntaxError('after: must be an earlier day than before:.');
  }
  return parsed;
}

/** Pure: the FTS5 MATCH expression for the terms (all must match), or null when there are none. */
export function toFtsMatch(terms: SearchTerm[]): string | null {
  if (!terms.length) return null;
  return terms
    .map((t) => {
      const quoted = `"${t.text.replace(/"/g, '""')}"`;
      // One-letter prefixes would walk a large part of the index: those match whole words only.
      return !t.phrase && [...t.text].length >= 2 ? `${quoted}*` : quoted;
    })
    .join(' AND ');
}
