/**
 * Inline markdown tokens (from `markdown.ts`) as Vue nodes, shared by chat messages and the
 * document preview. User text only ever becomes text nodes inside a fixed set of elements (no
 * v-html); link hrefs were checked by the tokenizer and open in a new tab with rel=noopener.
 */
import { h, type VNode } from 'vue';
import type { Inline } from './markdown';

/** How a mention looks: plain `@name` unless the caller marks it up (chat highlights yours). */
export type MentionRenderer = (name: string) => VNode | string;

export function renderInline(nodes: Inline[], mention: MentionRenderer = (name) => `@${name}`): (VNode | string)[] {
  return nodes.map((n) => {
    switch (n.type) {
      case 'text':
        return n.text;
      case 'bold':
        return h('strong', renderInline(n.children, mention));
      case 'italic':
        return h('em', renderInline(n.children, mention));
      case 'strike':
        return h('s', renderInline(n.children, mention));
      case 'code':
        return h('code', { class: 'md-code' }, n.text);
      case 'link':
        return h('a', { href: n.href, target: '_blank', rel: 'noopener noreferrer nofollow', class: 'md-link' }, renderInline(n.children, mention));
      case 'mention':
        return mention(n.name);
    }
  });
}
