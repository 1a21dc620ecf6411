/**
 * A small, pure tokenizer for chat's light markdown. It returns tokens, never HTML: components
 * render them with Vue, so user text can only ever become text nodes, <strong>, <em>, <s>,
 * <code>, <pre>, <blockquote>, <ul>/<ol> and http(s)/mailto links.
 *
 * Blocks: ```fenced code```, `> quotes`, `- item` / `1. item` lists, paragraphs (newlines kept).
 * Inline: **bold**, *italic* / _italic_, ~~strike~~, `code`, [text](url), http(s) URLs,
 * @mentions, backslash escapes. Anything that does not form a whole construct stays plain text.
 */

export type Inline =
  | { type: 'text'; text: string }
  | { type: 'bold'; children: Inline[] }
  | { type: 'italic'; children: Inline[] }
  | { type: 'strike'; children: Inline[] }
  | { type: 'code'; text: string }
  | { type: 'link'; href: string; children: Inline[] }
  | { type: 'mention'; name: string };

export type Block =
  | { type: 'paragraph'; children: Inline[] }
  | { type: 'quote'; children: Inline[] }
  | { type: 'list'; ordered: boolean; start: number; items: Inline[][] }
  | { type: 'codeblock'; lang: string; text: string };

const FENCE = '```';
const URL_RE = /^https?:\/\/[^\s<>"'`]+/i;
/** Same shape as the server's mention pattern (protocol/chat.ts). */
const MENTION_RE = /^@([a-zA-Z0-9_][a-zA-Z0-9_.-]{1,22}[a-zA-Z0-9_])/;
const ESCAPABLE = new Set(['\\', '*', '_', '`', '>', '@', '~', '[', ']', '-', '+']);
const BULLET_RE = /^ {0,3}[-*+] +(\S.*)$/;
const ORDERED_RE = /^ {0,3}(\d{1,9})[.)] +(\S.*)$/;
/** Longest label or URL of a `[text](url)` link we look at (keeps parsing linear-ish). */
const MAX_LINK = 2000;
const MAX_DEPTH = 4;

const isWordChar = (c: string | undefined) => !!c && /[\p{L}\p{N}_]/u.test(c);
const isSpace = (c: string | undefined) => c === undefined || /\s/.test(c);

/** Parses a whole message into blocks. */
export function parseMessage(src: string): Block[] {
  const lines = src.replace(/\r\n?/g, '\n').split('\n');
  const blocks: Block[] = [];
  let para: string[] = [];
  let quote: string[] = [];
  let list: { ordered: boolean; start: number; items: string[] } | null = null;
  const flushList = () => {
    if (list) blocks.push({ type: 'list', ordered: list.ordered, start: list.start, items: list.items.map((t) => parseInline(t)) });
    list = null;
  };
  const flushPara = () => {
    if (para.length) blocks.push({ type: 'paragraph', children: parseInline(para.join('\n')) });
    para = [];
  };
  const flushQuote = () => {
    if (quote.length) blocks.push({ type: 'quote', children: parseInline(quote.join('\n')) });
    quote = [];
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith(FENCE)) {
      const rest = line.slice(3);
      // One-line block: ```code```
      const sameLineEnd = rest.indexOf(FENCE);
      if (sameLineEnd > 0) {
        flushPara();
        flushQuote();
        flushList();
        blocks.push({ type: 'codeblock', lang: '', text: rest.slice(0, sameLineEnd) });
        const after = rest.slice(sameLineEnd + 3);
        if (after.trim()) para.push(after);
        continue;
      }
      const close = lines.findIndex((l, j) => j > i && l.trimEnd().endsWith(FENCE));
      if (close !== -1) {
        flushPara();
        flushQuote();
        flushList();
        const lang = /^[\w+#.-]{1,20}$/.test(rest.trim()) ? rest.trim() : '';
        const body = lines.slice(i + 1, close);
        if (!lang && rest.trim()) body.unshift(rest);
        const last = lines[close]!.trimEnd();
        const tail = last.slice(0, -3);
        if (tail) body.push(tail);
        blocks.push({ type: 'codeblock', lang, text: body.join('\n') });
        i = close;
        continue;
      }
      // Unclosed fence: plain text.
    }
    const q = /^> ?(.*)$/.exec(line);
    if (q) {
      flushPara();
      flushList();
      quote.push(q[1]!);
      continue;
    }
    flushQuote();
    const bullet = BULLET_RE.exec(line);
    const numbered = bullet ? null : ORDERED_RE.exec(line);
    if (bullet || numbered) {
      const ordered = !!numbered;
      flushPara();
      if (list && list.ordered !== ordered) flushList();
      list ??= { ordered, start: numbered ? Number(numbered[1]) : 1, items: [] };
      list.items.push((bullet ?? numbered)![bullet ? 1 : 2]!);
      continue;
    }
    flushList();
    para.push(line);
  }
  flushPara();
  flushQuote();
  flushList();
  // Drop blank paragraphs left by surrounding newlines.
  return blocks.filter((b) => b.type !== 'paragraph' || b.children.length > 0);
}

/** Parses inline markup in one piece of text. `inLink`: no links inside a link's label. */
export function parseInline(src: string, depth = 0, inLink = false): Inline[] {
  const out: Inline[] = [];
  let text = '';
  const pushText = (t: string) => {
    text += t;
  };
  const flush = () => {
    if (text) out.push({ type: 'text', text });
    text = '';
  };

  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    const prev = src[i - 1];

    if (c === '\\' && ESCAPABLE.has(src[i + 1] ?? '')) {
      pushText(src[i + 1]!);
      i += 2;
      continue;
    }

    if (c === '`') {
      const end = src.indexOf('`', i + 1);
      if (end > i + 1) {
        flush();
        out.push({ type: 'code', text: src.slice(i + 1, end) });
        i = end + 1;
        continue;
      }
    }

    if (c === '*' && src[i + 1] === '*' && depth < MAX_DEPTH && !isSpace(src[i + 2])) {
      const end = findClose(src, '**', i + 2);
      if (end !== -1) {
        flush();
        out.push({ type: 'bold', children: parseInline(src.slice(i + 2, end), depth + 1, inLink) });
        i = end + 2;
        continue;
      }
    }

    if ((c === '*' || c === '_') && src[i + 1] !== c && depth < MAX_DEPTH && !isSpace(src[i + 1])) {
      // `_` only at word edges, so snake_case_names stay as they are.
      if (c === '*' || !isWordChar(prev)) {
        const end = findClose(src, c, i + 1, c === '_');
        if (end !== -1) {
          flush();
          out.push({ type: 'italic', children: parseInline(src.slice(i + 1, end), depth + 1, inLink) });
          i = end + 1;
          continue;
        }
      }
    }

    if (c === '~' && src[i + 1] === '~' && depth < MAX_DEPTH && !isSpace(src[i + 2])) {
      const end = findClose(src, '~~', i + 2);
      if (end !== -1) {
        flush();
        out.push({ type: 'strike', children: parseInline(src.slice(i + 2, end), depth + 1, inLink) });
        i = end + 2;
        continue;
      }
    }

    if (c === '[' && !inLink && depth < MAX_DEPTH) {
      const link = readLink(src, i);
      if (link) {
        // A whole `[text](url)`: a link when the URL is safe, otherwise all of it stays text.
        flush();
        if (link.href) out.push({ type: 'link', href: link.href, children: parseInline(link.label, depth + 1, true) });
        else pushText(src.slice(i, link.end));
        i = link.end;
        continue;
      }
    }

    if ((c === 'h' || c === 'H') && !inLink && !isWordChar(prev)) {
      const m = URL_RE.exec(src.slice(i));
      if (m) {
        const href = trimUrl(m[0]);
        if (isHttpUrl(href)) {
          flush();
          out.push({ type: 'link', href, children: [{ type: 'text', text: href }] });
          i += href.length;
          continue;
        }
      }
    }

    if (c === '@' && !isWordChar(prev) && prev !== '@') {
      const m = MENTION_RE.exec(src.slice(i));
      if (m) {
        flush();
        out.push({ type: 'mention', name: m[1]! });
        i += m[0].length;
        continue;
      }
    }

    pushText(c);
    i++;
  }
  flush();
  return out;
}

/**
 * Reads `[label](url)` starting at `src[start] === '['`. Brackets in the label and parentheses in
 * the URL may nest when balanced; the URL has no spaces. `href` is null for unsafe schemes.
 */
function readLink(src: string, start: number): { label: string; href: string | null; end: number } | null {
  let depth = 0;
  let j = start;
  const limit = Math.min(src.length, start + MAX_LINK);
  for (; j < limit; j++) {
    const ch = src[j];
    if (ch === '\\') {
      j++;
      continue;
    }
    if (ch === '[') depth++;
    else if (ch === ']' && --depth === 0) break;
  }
  if (depth !== 0 || src[j] !== ']' || src[j + 1] !== '(') return null;
  const label = src.slice(start + 1, j);
  if (!label.trim()) return null;
  let k = j + 2;
  let parens = 1;
  const urlLimit = Math.min(src.length, k + MAX_LINK);
  for (; k < urlLimit; k++) {
    const ch = src[k]!;
    if (/\s/.test(ch)) return null;
    if (ch === '(') parens++;
    else if (ch === ')' && --parens === 0) break;
  }
  if (parens !== 0 || src[k] !== ')') return null;
  const url = src.slice(j + 2, k);
  if (!url) return null;
  return { label, href: safeHref(url), end: k + 1 };
}

/** The URL when it is http(s) with a host or a mailto: address; null otherwise. */
export function safeHref(raw: string): string | null {
  try {
    const u = new URL(raw);
    if ((u.protocol === 'http:' || u.protocol === 'https:') && u.hostname) return u.href;
    if (u.protocol === 'mailto:' && /^[^\s@/]+@[^\s@/]+$/.test(decodeURIComponent(u.pathname))) return u.href;
  } catch {
    // not a URL
  }
  return null;
}

/** Index of a closing marker whose previous character is not a space, or -1. */
function findClose(src: string, marker: string, from: number, wordEdge = false): number {
  let j = src.indexOf(marker, from);
  while (j !== -1) {
    const before = src[j - 1];
    const after = src[j + marker.length];
    const okEdge = !wordEdge || !isWordChar(after);
    // A lone `*` must not be the first half of `**`.
    const notDouble = marker.length === 2 || (after !== marker && before !== marker);
    if (j > from && !isSpace(before) && okEdge && notDouble && src[j - 1] !== '\\') return j;
    j = src.indexOf(marker, j + 1);
  }
  return -1;
}

/** Drops trailing punctuation that usually ends a sentence, and an unbalanced closing paren. */
function trimUrl(url: string): string {
  let u = url;
  for (;;) {
    const last = u[u.length - 1];
    if (last && '.,;:!?*_'.includes(last)) {
      u = u.slice(0, -1);
      continue;
    }
    if (last === ')' && count(u, '(') < count(u, ')')) {
      u = u.slice(0, -1);
      continue;
    }
    return u;
  }
}

const count = (s: string, ch: string) => s.split(ch).length - 1;

function isHttpUrl(href: string): boolean {
  try {
    const u = new URL(href);
    return (u.protocol === 'http:' || u.protocol === 'https:') && !!u.hostname;
  } catch {
    return false;
  }
}

/** Plain text of a message without markup, for previews and notifications. */
export function plainText(src: string): string {
  const walk = (nodes: Inline[]): string =>
    nodes.map((n) => ('children' in n ? walk(n.children) : n.type === 'mention' ? `@${n.name}` : n.text)).join('');
  return parseMessage(src)
    .map((b) => (b.type === 'codeblock' ? b.text : b.type === 'list' ? b.items.map(walk).join(' ') : walk(b.children)))
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
}
