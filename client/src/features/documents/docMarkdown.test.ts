import { describe, expect, it } from 'vitest';
import { parseDoc, splitRow } from './docMarkdown';

describe('note markdown', () => {
  it('parses headings, rules, task lists, tables and fenced code', () => {
    const blocks = parseDoc(['# Plan', '', '- [ ] read ch. 3', '- [x] **quiz**', '', '---', '| Day | Topic |', '|:---|---:|', '| Mon | Graphs |', '', '```ts', 'const a = 1;', '```'].join('\n'));
    expect(blocks.map((b) => b.type)).toEqual(['heading', 'list', 'rule', 'table', 'codeblock']);
    expect(blocks[0]).toMatchObject({ type: 'heading', level: 1, id: 'plan' });
    expect(blocks[1]).toMatchObject({ items: [{ checked: false }, { checked: true, children: [{ type: 'bold' }] }] });
    expect(blocks[3]).toMatchObject({ align: ['left', 'right'], rows: [[[{ type: 'text', text: 'Mon' }], [{ type: 'text', text: 'Graphs' }]]] });
    expect(blocks[4]).toEqual({ type: 'codeblock', lang: 'ts', text: 'const a = 1;' });
  });

  it('keeps HTML as plain text and refuses script links', () => {
    const blocks = parseDoc('<img src=x onerror=alert(1)> [x](javascript:alert(1))');
    expect(blocks).toHaveLength(1);
    const p = blocks[0] as { children: { type: string }[] };
    expect(p.children.some((c) => c.type === 'link')).toBe(false);
    expect(JSON.stringify(p)).toContain('<img src=x onerror=alert(1)>');
  });

  it('splits rows on unescaped pipes and numbers duplicate headings', () => {
    expect(splitRow('| a \\| b | c |')).toEqual(['a | b', 'c']);
    const hs = parseDoc('## Intro\n## Intro');
    expect(hs.map((h) => (h as { id: string }).id)).toEqual(['intro', 'intro-1']);
  });

  it('an unclosed fence runs to the end instead of swallowing nothing', () => {
    expect(parseDoc('```\ncode')).toEqual([{ type: 'codeblock', lang: '', text: 'code' }]);
  });
});
