import type { Table } from './stats.js';

/** What each benchmark hands back to run.ts for the summary. */
export interface BenchReport {
  name: string;
  tables: Table[];
  /** Plain lines: checks (loss, persistence) and anything odd. */
  notes: string[];
}
