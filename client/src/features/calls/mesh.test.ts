import { describe, expect, it } from 'vitest';
import { isCaller, planMesh, recordingFileName } from './mesh';

describe('mesh planning', () => {
  it('exactly one side of every pair calls', () => {
    const ids = ['r1u2-aa', 'r1u3-bb', 'r1u1-cc'];
    for (const a of ids) for (const b of ids) if (a !== b) expect(isCaller(a, b)).not.toBe(isCaller(b, a));
  });

  it('calls the peers it is responsible for, waits for the others, closes those who left', () => {
    const plan = planMesh('m', ['a', 'm', 'x', 'z'], new Set(['a', 'gone']));
    expect(plan.call).toEqual(['x', 'z']);
    expect(plan.close).toEqual(['gone']);
  });

  it('recordings get a sortable file name', () => {
    expect(recordingFileName('call', new Date(2026, 0, 5, 9, 3, 7))).toBe('commonroom-call-2026-01-05-090307.webm');
  });
});
