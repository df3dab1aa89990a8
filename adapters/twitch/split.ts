/**
 * Splits text into chat lines of at most `max` UTF-16 units (the stricter way to count), breaking
 * at the last space or CJK punctuation before the limit and never inside a surrogate pair.
 * Past `maxParts` the last part ends with an ellipsis instead of being cut silently.
 */
export function splitForChat(text: string, max: number, maxParts = 3): string[] {
  const parts: string[] = [];
  let rest = Array.from(text.trim());
  while (rest.length > 0 && parts.length < maxParts) {
    const fit = fitting(rest, max);
    if (fit === rest.length) {
      parts.push(rest.join(''));
      rest = [];
      break;
    }
    let cut = fit;
    for (let i = fit; i > fit / 2; i--) {
      if (rest[i] === ' ' || rest[i] === '\n' || '，。！？；、'.includes(rest[i - 1] ?? 'x')) { cut = i; break; }
    }
    parts.push(rest.slice(0, cut).join('').trimEnd());
    rest = Array.from(rest.slice(cut).join('').trimStart());
  }
  if (rest.length > 0 && parts.length > 0) {
    const last = Array.from(parts[parts.length - 1] ?? '');
    parts[parts.length - 1] = last.slice(0, fitting(last, max - 1)).join('').trimEnd() + '…';
  }
  return parts.filter((p) => p.length > 0);
}

/** How many code points from the start fit in `max` UTF-16 units. */
function fitting(chars: readonly string[], max: number): number {
  let units = 0;
  for (let i = 0; i < chars.length; i++) {
    units += (chars[i] ?? '').length;
    if (units > max) return i;
  }
  return chars.length;
}
