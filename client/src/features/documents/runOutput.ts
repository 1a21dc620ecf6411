import type { DocRunInput } from '@protocol/docs.js';

/** Output shared per run, in characters: the whole command must fit the socket's message cap. */
export const SHARED_OUTPUT_CHARS = 8_000;

/** Pure: keeps the last lines of a run's output that fit {@link SHARED_OUTPUT_CHARS}, saying how many were cut. */
export function fitRun(run: DocRunInput, budget = SHARED_OUTPUT_CHARS): DocRunInput {
  const kept: DocRunInput['lines'] = [];
  let used = 0;
  for (let i = run.lines.length - 1; i >= 0; i--) {
    const l = run.lines[i]!;
    if (used + l.text.length > budget || kept.length >= 199) break;
    used += l.text.length;
    kept.unshift(l);
  }
  const cut = run.lines.length - kept.length;
  return { ...run, lines: cut ? [{ stream: 'err', text: `… ${cut} earlier line${cut === 1 ? '' : 's'} not shown` }, ...kept] : kept };
}
