/** A 6-character join code from what someone typed or pasted (a code or a whole invite link). */
export function parseJoinCode(input: string): string | null {
  const s = input.trim();
  const fromLink = /\/r\/([A-Za-z0-9]{6})\/?(?:[?#].*)?$/.exec(s);
  const code = (fromLink ? fromLink[1]! : s).toUpperCase();
  return /^[A-Z0-9]{6}$/.test(code) ? code : null;
}
