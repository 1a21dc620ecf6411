/**
 * Renders chat text from markdown tokens with Vue's render functions. There is no v-html anywhere:
 * user text only ever becomes text nodes and a fixed set of elements; link hrefs were checked by
 * the tokenizer (http, https, mailto only).
 */
import { computed, defineComponent, h, type VNode } from 'vue';
import { parseMessage, type Block, type Inline } from '../markdown';
import { renderInline } from '../renderInline';

export default defineComponent({
  name: 'RichText',
  props: {
    text: { type: String, required: true },
    /** Lower-cased username of the viewer: their mentions stand out. */
    me: { type: String, default: '' },
  },
  setup(props) {
    const blocks = computed(() => parseMessage(props.text));

    const inline = (nodes: Inline[]) =>
      renderInline(nodes, (name) => h('span', { class: ['md-mention', { me: name.toLowerCase() === props.me }] }, `@${name}`));

    const block = (b: Block): VNode => {
      switch (b.type) {
        case 'paragraph':
          return h('p', { class: 'md-p' }, inline(b.children));
        case 'quote':
          return h('blockquote', { class: 'md-quote' }, inline(b.children));
        case 'list':
          return b.ordered
            ? h('ol', { class: 'md-list', start: b.start === 1 ? undefined : b.start }, b.items.map((it) => h('li', inline(it))))
            : h('ul', { class: 'md-list' }, b.items.map((it) => h('li', inline(it))));
        case 'codeblock':
          return h('pre', { class: 'md-pre' }, h('code', b.lang ? { 'data-lang': b.lang } : {}, b.text));
      }
    };

    return () => h('div', { class: 'rich-text' }, blocks.value.map(block));
  },
});
