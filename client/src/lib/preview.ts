/** A short one-line preview of message text for toasts and notifications. */
export function plainTextPreview(text: string, max = 140): string {
  const line = text.replace(/\[([^\]\n]+)\]\((?:https?|mailto):[^)\s]+\)/g, '$1').replace(/[*_`>]+|~~/g, '').replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
