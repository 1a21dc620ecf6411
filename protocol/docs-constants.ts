/**
 * Live documents' limits and choices, free of zod so client chunks can import them.
 */

/** Languages a code pad can be set to; `markdown` is a note. */
export const DOC_LANGUAGES = ['markdown', 'javascript', 'typescript', 'python', 'java', 'cpp', 'go', 'rust', 'sql', 'html', 'css'] as const;
export type DocLanguage = (typeof DOC_LANGUAGES)[number];

export const DOC_LANGUAGE_LABELS: Record<DocLanguage, string> = {
  markdown: 'Markdown',
  javascript: 'JavaScript',
  typescript: 'TypeScript',
  python: 'Python',
  java: 'Java',
  cpp: 'C / C++',
  go: 'Go',
  rust: 'Rust',
  sql: 'SQL',
  html: 'HTML',
  css: 'CSS',
};

export const DOC_KINDS = ['note', 'code'] as const;
export type DocKind = (typeof DOC_KINDS)[number];

export const DOC_TITLE_MAX = 120;
/** One Yjs update (a keystroke, a paste, a batch of offline edits): must fit the socket's message cap. */
export const DOC_UPDATE_MAX_BYTES = 12_000;
/** Stored size of a document (snapshot + tail of updates) past which further edits are refused. */
export const DOC_MAX_BYTES = 2_000_000;
/**
 * A larger update (a big paste) travels in parts of at most DOC_UPDATE_MAX_BYTES each
 * (`doc:update` with `part`), reassembled on the server and checked and stored as one update.
 */
export const DOC_UPDATE_PARTS_MAX = Math.ceil(DOC_MAX_BYTES / DOC_UPDATE_MAX_BYTES);
/** One awareness update (cursor + name + colour); anything larger is refused. */
export const AWARENESS_MAX_BYTES = 2_000;
/** The shared text's name inside the Y.Doc; updates touching any other root type are refused. */
export const DOC_TEXT = 'content';
/** A named version's name. */
export const DOC_VERSION_NAME_MAX = 80;
/** Named versions kept per document. */
export const DOC_VERSIONS_MAX = 200;
/** Edit sessions per page of a document's timeline (older ones come with `before`). */
export const DOC_HISTORY_PAGE = 200;
/** Updates by one author at most this far apart form one edit session of the timeline. */
export const DOC_SESSION_GAP_MS = 60_000;
/** At most this many documents per room. */
export const DOCS_PER_ROOM_MAX = 200;

/** Languages a code pad can run, in the participant's browser only. */
export const RUNNABLE_LANGUAGES = ['javascript', 'typescript', 'python'] as const;
/** The npm package `pyodide` served under /pyodide/<version>/ (Python runs in the browser). */
export const PYODIDE_VERSION = '314.0.8';
/** Loading Python (about 12 MB, cached after the first time) may take this long before the run's own limit starts. */
export const PYODIDE_LOAD_LIMIT_MS = 300_000;
/** A run is stopped after this long (the Worker is terminated). */
export const RUN_TIME_LIMIT_MS = 5_000;
/**
 * "Run tests": each test case gets this long of its own (after the code's top level ran within
 * RUN_TIME_LIMIT_MS). A case over it is reported as "Time limit exceeded"; the Worker is replaced
 * and the remaining cases still run.
 */
export const CASE_TIME_LIMIT_MS = 3_000;
export const RUN_OUTPUT_LINES_MAX = 200;
export const RUN_LINE_MAX = 1_000;
/** Runs kept per pad (in memory) and shown to whoever opens it. */
export const RUNS_KEPT = 10;
