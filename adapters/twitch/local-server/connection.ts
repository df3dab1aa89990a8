import { WebSocket } from 'ws';
import { formatLine, type OutLine } from './irc.js';

/** Lines only sent to clients that requested the `twitch.tv/commands` capability. */
const CommandsCapLines = new Set(['USERSTATE', 'GLOBALUSERSTATE', 'ROOMSTATE', 'CLEARCHAT', 'CLEARMSG', 'USERNOTICE', 'HOSTTARGET', 'RECONNECT']);

export const Caps = ['twitch.tv/tags', 'twitch.tv/commands', 'twitch.tv/membership'] as const;

/** One client socket and its IRC session state. */
export class ClientConnection {
  /** NICK as sent, lowercased; `*` until then. */
  nick = '*';
  pass: string | undefined;
  /** Set once PASS/NICK were accepted. */
  login: string | undefined;
  anonymous = false;
  readonly caps = new Set<string>();
  readonly joined = new Set<string>();
  /** When the server's last unanswered PING went out. */
  pingSentAt: number | undefined;

  constructor(readonly id: number, readonly ws: WebSocket) {}

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  get authenticated(): boolean {
    return this.login !== undefined;
  }

  /** Sends lines in one frame, each ending in CR LF as Twitch's are, honouring the requested caps. */
  send(...lines: OutLine[]): void {
    if (!this.open) return;
    const out: string[] = [];
    for (const line of lines) {
      if (CommandsCapLines.has(line.command) && !this.caps.has('twitch.tv/commands')) continue;
      const { tags, ...rest } = line;
      out.push(formatLine(this.caps.has('twitch.tv/tags') && tags ? line : rest) + '\r\n');
    }
    if (out.length > 0) this.sendRaw(out.join(''));
  }

  sendRaw(frame: string): void {
    if (this.open) this.ws.send(frame);
  }
}
