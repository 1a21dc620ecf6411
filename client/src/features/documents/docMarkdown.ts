/**
 * Block-level Markdown for notes: chat's tokenizer (../chat/markdown) does the inline part; this
 * adds what documents need: headings, tables, task-list checkboxes, rules, nested quotes as text.
 * Like chat, it returns tokens, never HTML: the preview renders them with Vue, so user text only
 * ever becomes text nodes and a fixed set of elements.
 */
import { parseInline, type Inline } from '../chat/markdown';

export type Align = 'left' | 'center' | 'right' | null;
export interface ListItem {
  /** null: a plain item; true/false: a task list checkbox. */
  checked: boolean | null;
  children: Inline[];
  depth: number;
}

export type DocBlock =
  | { type: 'heading'; level: 1 | 2 | 3 | 4 | 5 | 6; children: Inline[]; id: string }
  | { type: 'paragraph'; children: Inline[] }
  | { type: 'quote'; children: Inline[] }
  | { type: 'list'; ordered: boolean; start: number; items: ListItem[] }
  | { type: 'codeblock'; lang: string; text: string }
  | { type: 'table'; align: Align[]; head: Inline[][]; rows: Inline[][][] }
  | { type: 'rule' };

const HEADING_RE = /^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const RULE_RE = /^ {0,3}([-*_])(\s*\1){2,}\s*$/;
const ITEM_RE = /^(\s*)([-*+]|\d{1,9}[.)])\s+(.*)$/;
const TASK_RE = /^\[([ xX])\]\s+(.*)$/;
const FENCE_RE = /^ {0,3}(```|~~~)\s*([\w+#.-]{0,20})\s*$/;
const TABLE_SEP_RE = /^\s*\|?\s*:?-{1,}:?\s*(\|\s*:?-{1,}:?\s*)*\|?\s*$/;

/** Splits a table row on unescaped pipes. */
export function splitRow(line: string): string[] {
  let s = line.trim();
  if (s.startsWith('|')) s = s.slice(1);
  if (s.endsWith('|') && !s.endsWith('\\|')) s = s.slice(0, -1);
  const cells: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\' && s[i + 1] === '|') {
      cur += '|';
      i++;
    } else if (c === '|') {
      cells.push(cur.trim());
      cur = '';
    } else cur += c;
  }
  cells.push(cur.trim());
  return cells;
}

const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s-]/gu, '')
    .trim()
    .replace(/\s+/g, '-')
    .slice(0, 60);

/** Parses a whole note into blocks. */
export function parseDoc(src: string): DocBlock[] {
  const lines = src.replace(/\r\n?/g, '\n').split('\n');
  const blocks: DocBlock[] = [];
  const slugs = new Map<string, number>();
  let para: string[] = [];
  const flushPara = () => {
    if (para.length) blocks.push({ type: 'paragraph', children: parseInline(para.join('\n')) });
    para = [];
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line.trim()) {
      flushPara();
      continue;
    }
    const fence = FENCE_RE.exec(line);
    if (fence) {
      flushPara();
      const body: string[] = [];
      let j = i + 1;
      while (j < lines.length && !lines[j]!.trim().startsWith(fence[1]!)) body.push(lines[j++]!);
      blocks.push({ type: 'codeblock', lang: fence[2] ?? '', text: body.join('\n') });
      i = j;
      continue;
    }
    const heading = HEADING_RE.exec(line);
    if (heading) {
      flushPara();
      const text = heading[2] ?? '';
      let id = slug(text) || 'section';
      const n = slugs.get(id) ?? 0;
      slugs.set(id, n + 1);
      if (n) id = `${id}-${n}`;
      blocks.push({ type: 'heading', level: heading[1]!.length as 1, children: parseInline(text), id });
      continue;
    }
    if (RULE_RE.test(line)) {
      flushPara();
      blocks.push({ type: 'rule' });
      continue;
    }
    if (line.includes('|') && i + 1 < lines.length && TABLE_SEP_RE.test(lines[i + 1]!) && lines[i + 1]!.includes('-')) {
      flushPara();
      const head = splitRow(line);
      const align: Align[] = splitRow(lines[i + 1]!).map((c) => (c.startsWith(':') && c.endsWith(':') ? 'center' : c.endsWith(':') ? 'right' : c.startsWith(':') ? 'left' : null));
      const rows: Inline[][][] = [];
      let j = i + 2;
      while (j < lines.length && lines[j]!.includes('|') && lines[j]!.trim()) {
        const cells = splitRow(lines[j]!);
        rows.push(head.map((_, k) => parseInline(cells[k] ?? '')));
        j++;
      }
      blocks.push({ type: 'table', align: head.map((_, k) => align[k] ?? null), head: head.map((c) => parseInline(c)), rows });
      i = j - 1;
      continue;
    }
    if (/^ {0,3}>/.test(line)) {
      flushPara();
      const body: string[] = [];
      let j = i;
      while (j < lines.length && /^ {0,3}>/.test(lines[j]!)) body.push(lines[j++]!.replace(/^ {0,3}> ?/, ''));
      blocks.push({ type: 'quote', children: parseInline(body.join('\n')) });
      i = j - 1;
      continue;
    }
    const item = ITEM_RE.exec(line);
    if (item) {
      flushPara();
      const ordered = /\d/.test(item[2]!);
      const items: ListItem[] = [];
      let j = i;
      for (; j < lines.length; j++) {
        const m = ITEM_RE.exec(lines[j]!);
        if (!m) {
          // A lazy continuation line belongs to the previous item.
          if (lines[j]!.trim() && /^\s{2,}\S/.test(lines[j]!) && items.length) {
            const last = items[items.length - 1]!;
            last.children = [...last.children, { type: 'text', text: '\n' }, ...parseInline(lines[j]!.trim())];
            continue;
          }
          break;
        }
        if (/\d/.test(m[2]!) !== ordered && m[1]!.length === 0) break;
        const task = TASK_RE.exec(m[3]!);
        items.push({
          depth: Math.min(4, Math.floor(m[1]!.replace(/\t/g, '  ').length / 2)),
          checked: task ? task[1] !== ' ' : null,
          children: parseInline(task ? task[2]! : m[3]!),
        });
      }
      blocks.push({ type: 'list', ordered, start: ordered ? parseInt(item[2]!, 10) : 1, items });
      i = j - 1;
      continue;
    }
    para.push(line);
  }
  flushPara();
  return blocks;
}
