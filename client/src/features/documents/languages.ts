/**
 * CodeMirror language support per pad language, each loaded on first use (its own chunk).
 */
import type { Extension } from '@codemirror/state';
import type { DocLanguage } from '@protocol/docs-constants.js';

export async function languageSupport(lang: DocLanguage): Promise<Extension> {
  switch (lang) {
    case 'markdown':
      return (await import('@codemirror/lang-markdown')).markdown();
    case 'javascript':
      return (await import('@codemirror/lang-javascript')).javascript();
    case 'typescript':
      return (await import('@codemirror/lang-javascript')).javascript({ typescript: true });
    case 'python':
      return (await import('@codemirror/lang-python')).python();
    case 'java':
      return (await import('@codemirror/lang-java')).java();
    case 'cpp':
      return (await import('@codemirror/lang-cpp')).cpp();
    case 'go':
      return (await import('@codemirror/lang-go')).go();
    case 'rust':
      return (await import('@codemirror/lang-rust')).rust();
    case 'sql':
      return (await import('@codemirror/lang-sql')).sql();
    case 'html':
      return (await import('@codemirror/lang-html')).html();
    case 'css':
      return (await import('@codemirror/lang-css')).css();
  }
}
