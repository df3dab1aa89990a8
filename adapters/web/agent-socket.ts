import type { WebSocket } from 'ws';
import { z } from 'zod';
import type { QueueEntry } from '../../data/support.js';
import { supportFrame, type ConsoleDesk, type SupportDesk } from './agent-desk.js';
import type { Session, SessionStore } from './auth.js';
import { CloseCode } from './protocol.js';

/** Frames the console may send on `/agent/ws`; it only says what it is looking at. */
const agentFrameSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('watch'), conversationId: z.number().int().positive(), after: z.number().int().min(0) }).strict(),
  z.object({ type: z.literal('unwatch') }).strict(),
  z.object({ type: z.literal('ping') }).strict(),
]);

interface Client {
  session: Session;
  watching?: number;
  /** The newest message id this console has of the conversation it watches. */
  after: number;
}

export interface AgentHubOptions {
  desk: () => SupportDesk | undefined;
  console: ConsoleDesk;
  sessions: SessionStore;
  pollMs?: number;
  log: (message: string) => void;
}

/** Queue view sent to consoles: what the list shows, nothing more. */
export function queueItem(e: QueueEntry) {
  return { conversationId: e.conversationId, displayName: e.displayName, platform: e.platform, reason: e.reason, enqueuedAt: e.enqueuedAt, ...(e.contactEmail ? { contactEmail: e.contactEmail } : {}) };
}

/**
 * The consoles' live side. A short poll of the store (plus an immediate one whenever the bot or
 * a console action reports activity) finds queue changes and new lines in watched
 * conversations, pushes them to the consoles, and tells waiting visitors their place in line.
 */
export class AgentHub {
  private readonly clients = new Map<WebSocket, Client>();
  private readonly positions = new Map<number, number>();
  private readonly entryState = new Map<number, string>();
  private queueSignature = '';
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private again = false;
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly o: AgentHubOptions) {}

  start(): void {
    this.timer ??= setInterval(() => this.poke(), this.o.pollMs ?? 1000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.unsubscribe?.();
    for (const socket of this.clients.keys()) socket.close(1001, 'server shutting down');
  }

  add(socket: WebSocket, session: Session): void {
    this.subscribe();
    const client: Client = { session, after: 0 };
    this.clients.set(socket, client);
    socket.on('close', () => this.clients.delete(socket));
    socket.on('error', (err) => this.o.log(`agent socket error: ${err.message}`));
    socket.on('message', (data, isBinary) => {
      let frame: unknown;
      try {
        frame = isBinary ? undefined : JSON.parse(data.toString());
      } catch {
        frame = undefined;
      }
      const parsed = agentFrameSchema.safeParse(frame);
      if (!parsed.success) {
        socket.close(CloseCode.unsupported, 'unknown frame');
        return;
      }
      if (parsed.data.type === 'ping') send(socket, { type: 'pong' });
      else if (parsed.data.type === 'unwatch') delete client.watching;
      else {
        client.watching = parsed.data.conversationId;
        client.after = parsed.data.after;
        this.poke();
      }
    });
    send(socket, { type: 'hello', agent: { username: session.agent.username, role: session.agent.role } });
    void this.queueFrame().then((frame) => frame && send(socket, frame));
  }

  /** Distinct agents with a console open. */
  online(): number {
    return new Set([...this.clients.values()].map((c) => c.session.agent.id)).size;
  }

  /** Ends the sockets of a session (logout). */
  closeSession(sessionId: string): void {
    for (const [socket, c] of this.clients) if (c.session.id === sessionId) socket.close(CloseCode.policy, 'logged out');
  }

  /** Tells every console something (a conversation was taken). */
  broadcast(frame: unknown): void {
    for (const socket of this.clients.keys()) send(socket, frame);
  }

  /** Looks at the store now instead of at the next poll. */
  poke(): void {
    if (this.ticking) {
      this.again = true;
      return;
    }
    this.ticking = this.tick()
      .catch((err: unknown) => this.o.log(`agent console refresh failed: ${err instanceof Error ? err.message : String(err)}`))
      .finally(() => {
        this.ticking = undefined;
        if (this.again) {
          this.again = false;
          this.poke();
        }
      });
  }

  /** Resolves once the refresh in progress (if any) is done; for tests. */
  async settled(): Promise<void> {
    while (this.ticking) await this.ticking;
  }

  private subscribe(): void {
    if (this.unsubscribe) return;
    const desk = this.o.desk();
    if (desk?.onConversationEvent) this.unsubscribe = desk.onConversationEvent(() => this.poke());
  }

  private async queueFrame(): Promise<Record<string, unknown> | undefined> {
    const desk = this.o.desk();
    if (!desk) return undefined;
    return { type: 'queue', items: (await desk.support.waiting()).map(queueItem) };
  }

  private async tick(): Promise<void> {
    const desk = this.o.desk();
    if (!desk) return;
    this.subscribe();
    // A logout or revocation on any instance ends the session in the shared store; its sockets here close.
    // When the store cannot be asked (Redis away), open consoles stay open.
    for (const [socket, c] of this.clients) {
      if (!(await this.o.sessions.isLive(c.session.id).catch(() => true))) socket.close(CloseCode.policy, 'session expired');
    }

    const waiting = await desk.support.waiting();
    const signature = waiting.map((e) => e.conversationId).join(',');
    if (signature !== this.queueSignature) {
      this.queueSignature = signature;
      this.broadcast({ type: 'queue', items: waiting.map(queueItem) });
    }
    // Visitors learn their place in line whenever it changes.
    const stillWaiting = new Set<number>();
    for (const [i, e] of waiting.entries()) {
      stillWaiting.add(e.conversationId);
      if (this.positions.get(e.conversationId) === i + 1) continue;
      this.positions.set(e.conversationId, i + 1);
      await this.o.console.toVisitor(desk, e, supportFrame('waiting', i + 1));
    }
    for (const id of this.positions.keys()) if (!stillWaiting.has(id)) this.positions.delete(id);

    const watched = new Set<number>();
    for (const c of this.clients.values()) if (c.watching !== undefined) watched.add(c.watching);
    for (const id of [...this.entryState.keys()]) if (!watched.has(id)) this.entryState.delete(id);
    for (const id of watched) await this.refreshConversation(desk, id);
  }

  private async refreshConversation(desk: SupportDesk, conversationId: number): Promise<void> {
    const watchers = [...this.clients].filter(([, c]) => c.watching === conversationId);
    const entry = await desk.support.open(conversationId);
    const state = entry ? `${entry.status}:${entry.agentId ?? ''}` : 'none';
    if (this.entryState.get(conversationId) !== state) {
      this.entryState.set(conversationId, state);
      const agent = entry?.agentId != null ? await desk.agents.get(entry.agentId) : undefined;
      for (const [socket] of watchers) {
        send(socket, { type: 'entry', conversationId, status: entry?.status ?? 'bot', agent: agent?.username ?? null });
      }
    }
    const newest = Math.min(...watchers.map(([, c]) => c.after));
    const messages = (await desk.conversations.recent(conversationId, 50)).filter((m) => m.id > newest);
    if (messages.length === 0) return;
    const lines = await Promise.all(messages.map((m) => this.o.console.line(desk, m)));
    const suggestions = lines.some((l) => l.role === 'user') ? await this.o.console.suggest(desk, lines) : undefined;
    for (const [socket, c] of watchers) {
      const fresh = lines.filter((l) => l.id > c.after);
      if (fresh.length === 0) continue;
      c.after = fresh[fresh.length - 1]!.id;
      send(socket, { type: 'messages', conversationId, messages: fresh, ...(suggestions ? { suggestions } : {}) });
    }
  }
}

function send(socket: WebSocket, frame: unknown): void {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame));
}
