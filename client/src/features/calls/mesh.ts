/** Pure rules of the mesh: who places each call, and which connections to open or close. */

/** For any pair exactly one side calls: the smaller peer id. The other answers. */
export const isCaller = (mine: string, theirs: string) => mine < theirs;

export interface MeshPlan {
  /** Peers I must call now (I am their caller and have no connection). */
  call: string[];
  /** Connections to close (the peer left the call). */
  close: string[];
}

/** Compares the server's roster with my connections. */
export function planMesh(me: string, roster: readonly string[], connected: ReadonlySet<string>): MeshPlan {
  const wanted = new Set(roster.filter((p) => p !== me));
  return {
    call: [...wanted].filter((p) => !connected.has(p) && isCaller(me, p)),
    close: [...connected].filter((p) => !wanted.has(p)),
  };
}

/** A local recording's download name: what it is and when it started, sortable. */
export function recordingFileName(kind: 'call' | 'screen', at: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `commonroom-${kind}-${at.getFullYear()}-${p(at.getMonth() + 1)}-${p(at.getDate())}-${p(at.getHours())}${p(at.getMinutes())}${p(at.getSeconds())}.webm`;
}
