/**
 * The live preview of a note, rendered from tokens with Vue's render functions. There is no v-html:
 * user text only ever becomes text nodes and a fixed set of elements; link hrefs were checked by
 * the tokenizer (http, https, mailto only) and open with rel=noopener.
 */
import { computed, defineComponent, h, type VNode } from 'vue';
import type { Inline } from '../../chat/markdown';
import { renderInline } from '../../chat/renderInline';
import { parseDoc, type DocBlock, type ListItem } from '../docMarkdown';

export default defineComponent({
  name: 'DocPreview',
  props: { text: { type: String, required: true } },
  setup(props) {
    const blocks = computed(() => parseDoc(props.text));

    const inline = (nodes: Inline[]) => renderInline(nodes);

    const item = (it: ListItem): VNode =>
      h('li', { class: { task: it.checked !== null }, style: it.depth ? { marginLeft: `${it.depth * 1.25}em` } : undefined }, [
        ...(it.checked !== null ? [h('input', { type: 'checkbox', checked: it.checked, disabled: true, 'aria-label': it.checked ? 'done' : 'not done' })] : []),
        ...inline(it.children),
      ]);

    const block = (b: DocBlock): VNode => {
      switch (b.type) {
        case 'heading':
          return h(`h${b.level}`, { id: `doc-${b.id}` }, inline(b.children));
        case 'paragraph':
          return h('p', inline(b.children));
        case 'quote':
          return h('blockquote', inline(b.children));
        case 'list':
          return b.ordered ? h('ol', { start: b.start === 1 ? undefined : b.start }, b.items.map(item)) : h('ul', b.items.map(item));
        case 'codeblock':
          return h('pre', h('code', b.lang ? { 'data-lang': b.lang } : {}, b.text));
        case 'rule':
          return h('hr');
        case 'table':
          return h('div', { class: 'table-wrap' }, h('table', [
            h('thead', h('tr', b.head.map((c, i) => h('th', { style: b.align[i] ? { textAlign: b.align[i] } : undefined }, inline(c))))),
            h('tbody', b.rows.map((r) => h('tr', r.map((c, i) => h('td', { style: b.align[i] ? { textAlign: b.align[i] } : undefined }, inline(c)))))),
          ]));
      }
    };

    return () => h('div', { class: 'doc-preview', 'data-testid': 'doc-preview' }, blocks.value.map(block));
  },
});
