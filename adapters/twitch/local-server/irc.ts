/**
 * IRC lines as Twitch speaks them: IRCv3 tags, an optional prefix, a command and parameters.
 * Parsing never throws: a line that is not IRC comes back as `null`, because the server must
 * survive any client.
 */

/** A parsed client line. The trailing parameter (after ` :`) is the last entry of `params`. */
export interface IrcLine {
  readonly tags: Readonly<Record<string, string>>;
  readonly prefix: string | null;
  readonly command: string;
  readonly params: readonly string[];
}

/** A line the server writes; `trailing` is always written with a leading colon, as Twitch does. */
export interface OutLine {
  readonly tags?: Readonly<Record<string, string>>;
  readonly prefix?: string;
  readonly command: string;
  readonly params?: readonly string[];
  readonly trailing?: string;
}

export const ServerPrefix = 'tmi.twitch.tv';

const Escapes: Readonly<Record<string, string>> = { ';': '\\:', ' ': '\\s', '\\': '\\\\', '\r': '\\r', '\n': '\\n' };
const Unescapes: Readonly<Record<string, string>> = { ':': ';', s: ' ', '\\': '\\', r: '\r', n: '\n' };

/** IRCv3 tag-value escaping (`;` -> `\:`, space -> `\s`, `\` -> `\\`, CR -> `\r`, LF -> `\n`). */
export function escapeTagValue(value: string): string {
  return value.replace(/[; \\\r\n]/g, (c) => Escapes[c] ?? c);
}

/** The inverse of `escapeTagValue`; an unknown escape yields the character, a lone final `\` is dropped. */
export function unescapeTagValue(raw: string): string {
  return raw.replace(/\\(.?)/gsu, (_m, c: string) => (c === '' ? '' : Unescapes[c] ?? c));
}

function parseTags(raw: string): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const part of raw.split(';')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq);
    if (key === '') continue;
    tags[key] = eq < 0 ? '' : unescapeTagValue(part.slice(eq + 1));
  }
  return tags;
}

/** Parses one line (without its CR LF); `null` for anything that is not a well-formed IRC line. */
export function parseLine(line: string): IrcLine | null {
  let rest = line;
  let tags: Record<string, string> = {};
  if (rest.startsWith('@')) {
    const space = rest.indexOf(' ');
    if (space < 0) return null;
    tags = parseTags(rest.slice(1, space));
    rest = rest.slice(space + 1).replace(/^ +/, '');
  }
  let prefix: string | null = null;
  if (rest.startsWith(':')) {
    const space = rest.indexOf(' ');
    if (space < 0) return null;
    prefix = rest.slice(1, space);
    rest = rest.slice(space + 1).replace(/^ +/, '');
  }
  const params: string[] = [];
  let command = '';
  while (rest !== '') {
    if (command !== '' && rest.startsWith(':')) {
      params.push(rest.slice(1));
      break;
    }
    const space = rest.indexOf(' ');
    const word = space < 0 ? rest : rest.slice(0, space);
    if (command === '') command = word;
    else params.push(word);
    rest = space < 0 ? '' : rest.slice(space + 1).replace(/^ +/, '');
  }
  if (!/^([A-Za-z]+|\d{3})$/.test(command)) return null;
  return { tags, prefix, command: command.toUpperCase(), params };
}

/** Formats a line without its CR LF; tags are written in key order, as Twitch writes them. */
export function formatLine(line: OutLine): string {
  const parts: string[] = [];
  const keys = Object.keys(line.tags ?? {}).sort();
  if (line.tags && keys.length > 0) {
    parts.push('@' + keys.map((k) => `${k}=${escapeTagValue(line.tags?.[k] ?? '')}`).join(';'));
  }
  if (line.prefix !== undefined) parts.push(':' + line.prefix);
  parts.push(line.command, ...(line.params ?? []));
  if (line.trailing !== undefined) parts.push(':' + line.trailing);
  return parts.join(' ');
}

/** Splits a WebSocket frame into lines: clients may batch several, separated by CR LF (or bare LF). */
export function splitFrame(frame: string): string[] {
  return frame.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l)).filter((l) => l !== '');
}

/** `#Chan`, `chan` -> `chan`; the server keys channels by their bare lowercase login. */
export function channelName(input: string): string {
  return input.replace(/^#/, '').toLowerCase();
}

/** The `nick!nick@nick.tmi.twitch.tv` prefix of a user's lines. */
export function userPrefix(login: string): string {
  return `${login}!${login}@${login}.tmi.twitch.tv`;
}
