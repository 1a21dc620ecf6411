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
      { type: 'link', href: 'https://example.com/a?b=1', children: [text('https://example.com/a?b=1')] },
      text('.'),
    ]);
    expect(inline('(http://x.org/wiki/A_(b))')).toEqual([
      text('('),
      { type: 'link', href: 'http://x.org/wiki/A_(b)', children: [text('http://x.org/wiki/A_(b)')] },
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

describe('links, strikethrough (issue 17 item 13: never half-parsed)', () => {
  const link = (href: string, ...children: Inline[]): Inline => ({ type: 'link', href, children });

  it('turns [text](url) into one link with formatted text', () => {
    expect(inline('see [the **docs**](https://example.com/a_b) now')).toEqual([
      text('see '),
      link('https://example.com/a_b', text('the '), { type: 'bold', children: [text('docs')] }),
      text(' now'),
    ]);
    expect(inline('[mail me](mailto:ann@example.com)')).toEqual([link('mailto:ann@example.com', text('mail me'))]);
  });

  it('handles nested brackets and balanced parentheses', () => {
    expect(inline('[a [b] c](https://x.org/w/A_(b))')).toEqual([link('https://x.org/w/A_(b)', text('a [b] c'))]);
    expect(inline('[[x]](https://x.org)')).toEqual([link('https://x.org/', text('[x]'))]);
    expect(inline('([a](https://x.org))')).toEqual([text('('), link('https://x.org/', text('a')), text(')')]);
  });

  it('keeps unsafe or broken links entirely as text', () => {
    expect(inline('[click](javascript:alert(1))')).toEqual([text('[click](javascript:alert(1))')]);
    expect(inline('[click](JavaScript:alert(1))')).toEqual([text('[click](JavaScript:alert(1))')]);
    expect(inline('[x](data:text/html,<b>x</b>)')).toEqual([text('[x](data:text/html,<b>x</b>)')]);
    expect(inline('[x](vbscript:msgbox)')).toEqual([text('[x](vbscript:msgbox)')]);
    expect(inline('[x](/relative)')).toEqual([text('[x](/relative)')]);
    expect(inline('[x](mailto:not an address)')).toEqual([text('[x](mailto:not an address)')]);
    expect(inline('[open](https://a.io')).toEqual([text('[open]('), link('https://a.io', text('https://a.io'))]);
    expect(inline('[no url]()')).toEqual([text('[no url]()')]);
    expect(inline('[a] (https://a.io)')).toEqual([text('[a] ('), link('https://a.io', text('https://a.io')), text(')')]);
    expect(inline('[<img src=x onerror=alert(1)>](https://a.io)')).toEqual([link('https://a.io/', text('<img src=x onerror=alert(1)>'))]);
  });

  it('never nests a link in a link', () => {
    expect(inline('[https://b.io](https://a.io)')).toEqual([link('https://a.io/', text('https://b.io'))]);
    expect(inline('[[in](https://b.io)](https://a.io)')).toEqual([link('https://a.io/', text('[in](https://b.io)'))]);
  });

  it('escapes brackets and tildes', () => {
    expect(inline('\\[a](https://a.io)')).toEqual([text('[a]('), link('https://a.io', text('https://a.io')), text(')')]);
    expect(inline('\\~~no\\~~')).toEqual([text('~~no~~')]);
  });

  it('strikes ~~text~~ and leaves unclosed or spaced markers', () => {
    expect(inline('a ~~b *c*~~ d')).toEqual([text('a '), { type: 'strike', children: [text('b '), { type: 'italic', children: [text('c')] }] }, text(' d')]);
    expect(inline('~~open')).toEqual([text('~~open')]);
    expect(inline('~~ spaced ~~')).toEqual([text('~~ spaced ~~')]);
    expect(inline('~5 min, ~10 min')).toEqual([text('~5 min, ~10 min')]);
  });
});

describe('lists', () => {
  it('groups - and * items into a bullet list', () => {
    expect(parseMessage('todo:\n- milk\n* **eggs**\n+ [tea](https://t.io)\nafter')).toEqual<Block[]>([
      { type: 'paragraph', children: [text('todo:')] },
      {
        type: 'list',
        ordered: false,
        start: 1,
        items: [[text('milk')], [{ type: 'bold', children: [text('eggs')] }], [{ type: 'link', href: 'https://t.io/', children: [text('tea')] }]],
      },
      { type: 'paragraph', children: [text('after')] },
    ]);
  });

  it('numbers ordered lists from their first number and splits a change of kind', () => {
    expect(parseMessage('3. c\n4) d\n- e')).toEqual<Block[]>([
      { type: 'list', ordered: true, start: 3, items: [[text('c')], [text('d')]] },
      { type: 'list', ordered: false, start: 1, items: [[text('e')]] },
    ]);
  });

  it('needs a space and content after the marker', () => {
    expect(parseMessage('-not a list\n*emph*\n- \n1.5 kg')).toEqual<Block[]>([
      { type: 'paragraph', children: [text('-not a list\n'), { type: 'italic', children: [text('emph')] }, text('\n- \n1.5 kg')] },
    ]);
    expect(parseMessage('\\- literal')).toEqual<Block[]>([{ type: 'paragraph', children: [text('- literal')] }]);
  });

  it('gives plain text of lists, links and strikes', () => {
    expect(plainText('- [a](https://a.io)\n- ~~b~~')).toBe('a b');
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
