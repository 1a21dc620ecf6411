import { describe, expect, it } from 'vitest';
import { parseInline, parseMessage, plainText, type Block, type Inline } from './markdown';

const inline = (src: string) => parseInline(src);
const text = (t: string): Inline => ({ type: 'text', text: t });

describe('parseInline', () => {
  it('keeps HTML as literal text', () => {
    expect(inline('<img src=x onerror=alert(1)>')).toEqual([text('<img src=x onerror=alert(1)>')]);
    expect(inline('<script>alert(1)</script>')).toEqual([text('<script>alert(1)</script>')]);
  });

  it('parses bold, italic and code', () => {
    expect(inline('a **b** c')).toEqual([text('a '), { type: 'bold', children: [text('b')] }, text(' c')]);
    expect(inline('*it* and _it_')).toEqual([
      { type: 'italic', children: [text('it')] },
      text(' and '),
      { type: 'italic', children: [text('it')] },
    ]);
    expect(inline('run `npm **test**` now')).toEqual([text('run '), { type: 'code', text: 'npm **test**' }, text(' now')]);
  });

  it('nests italic inside bold', () => {
    expect(inline('**very *much* so**')).toEqual([
      { type: 'bold', children: [text('very '), { type: 'italic', children: [text('much')] }, text(' so')] },
    ]);
  });

  it('leaves unclosed or spaced markers alone', () => {
    expect(inline('2 * 3 * 4')).toEqual([text('2 * 3 * 4')]);
    expect(inline('**open')).toEqual([text('**open')]);
    expect(inline('a ` b')).toEqual([text('a ` b')]);
    expect(inline('snake_case_name')).toEqual([text('snake_case_name')]);
  });

  it('honours backslash escapes', () => {
    expect(inline('\\*not italic\\*')).toEqual([text('*not italic*')]);
  });

  it('links http(s) URLs and trims sentence punctuation', () => {
    expect(inline('see https://example.com/a?b=1.')).toEqual([
      text('see '),
      { type: 'link', href: 'https://example.com/a?b=1', text: 'https://example.com/a?b=1' },
      text('.'),
    ]);
    expect(inline('(http://x.org/wiki/A_(b))')).toEqual([
      text('('),
      { type: 'link', href: 'http://x.org/wiki/A_(b)', text: 'http://x.org/wiki/A_(b)' },
      text(')'),
    ]);
  });

  it('never links other schemes', () => {
    expect(inline('javascript:alert(1)')).toEqual([text('javascript:alert(1)')]);
    expect(inline('data:text/html,<b>x</b>')).toEqual([text('data:text/html,<b>x</b>')]);
    expect(inline('xhttps://evil.com')).toEqual([text('xhttps://evil.com')]);
  });

  it('finds @mentions but not e-mail addresses', () => {
    expect(inline('hi @alice.b, ok')).toEqual([text('hi '), { type: 'mention', name: 'alice.b' }, text(', ok')]);
    expect(inline('mail bob@example.com')).toEqual([text('mail bob@example.com')]);
    expect(inline('@al is too short')).toEqual([text('@al is too short')]);
    expect(inline('@bob.')).toEqual([{ type: 'mention', name: 'bob' }, text('.')]);
  });
});

describe('parseMessage', () => {
  it('splits fenced code blocks, quotes and paragraphs', () => {
    const blocks = parseMessage('hello\n```ts\nconst a = "<b>";\n```\n> quoted **bold**\nafter');
    expect(blocks).toEqual<Block[]>([
      { type: 'paragraph', children: [text('hello')] },
      { type: 'codeblock', lang: 'ts', text: 'const a = "<b>";' },
      { type: 'quote', children: [text('quoted '), { type: 'bold', children: [text('bold')] }] },
      { type: 'paragraph', children: [text('after')] },
    ]);
  });

  it('supports one-line fences and keeps unclosed fences as text', () => {
    expect(parseMessage('```x = 1```')).toEqual([{ type: 'codeblock', lang: '', text: 'x = 1' }]);
    expect(parseMessage('```oops')).toEqual([{ type: 'paragraph', children: [text('```oops')] }]);
  });

  it('keeps newlines inside a paragraph', () => {
    expect(parseMessage('a\nb')).toEqual([{ type: 'paragraph', children: [text('a\nb')] }]);
  });

  it('gives plain text for previews', () => {
    expect(plainText('**Hi** @bob see https://a.io')).toBe('Hi @bob see https://a.io');
  });
});
