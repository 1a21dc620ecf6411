/** The instance time zone (TIME_ZONE): the default needs no ICU lookup, anything else must be a real zone. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

const dataDir = mkdtempSync(join(tmpdir(), 'commonroom-config-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
const load = (env: Record<string, string>) => loadConfig({ SESSION_SECRET: 'x'.repeat(40), ...env }, { dataDir });

describe('TIME_ZONE', () => {
  it('defaults to UTC and takes IANA zones', () => {
    expect(load({}).timeZone).toBe('UTC');
    expect(load({ TIME_ZONE: 'UTC' }).timeZone).toBe('UTC');
    expect(load({ TIME_ZONE: 'Europe/Berlin' }).timeZone).toBe('Europe/Berlin');
  });
  it('refuses a zone that does not exist, saying what it wants', () => {
    expect(() => load({ TIME_ZONE: 'Mars/Olympus_Mons' })).toThrow(/TIME_ZONE: an IANA time zone/);
    expect(() => load({ TIME_ZONE: '' })).toThrow(/TIME_ZONE/);
  });
});
