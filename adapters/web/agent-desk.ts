import type { ConversationStore, StoredMessage } from '../../data/store.js';
import type { AgentStore, FaqStore, QueueEntry, SupportQueue } from '../../data/support.js';
import { t } from '../../bot/i18n/catalogue.js';
import { AgentAssist, type Suggestion } from './agent-assist.js';
import type { VisitorHub } from './visitor-hub.js';

/** What the console needs from the running bot; undefined while the database is still opening. */
export interface SupportDesk {
  conversations: Pick<ConversationStore, 'recent' | 'append' | 'find'>;
  faq: FaqStore;
  support: SupportQueue;
  agents: AgentStore;
  /** Entities of a visitor line, shown next to it in the transcript; absent = none shown. */
  entities?: (text: string) => Promise<{ label: string; text: string; value: unknown }[]>;
  /** The bot reports activity in a conversation (a visitor line while taken, a new queue entry). */
  onConversationEvent?: (listener: (conversationId: number) => void) => () => void;
  /** The admin page changed the FAQ: every instance reloads it now (absent: at its next version check). */
  faqChanged?: () => void;
}

/** A transcript line as the console shows it. */
export interface ConsoleLine {
  id: number;
  role: StoredMessage['role'];
  text: string;
  ts: string;
  intent: string | null;
  confidence: number | null;
  entities: { label: string; text: string; value: unknown }[];
}

const WEB = 'web';
const MAX_CACHED_ENTITIES = 5000;

/**
 * The console's view of the desk: transcripts with what the NLU saw, agent-assist suggestions,
 * and frames to the web visitor behind a conversation (found among the visitors connected now;
 * one who is not connected sees the lines in their history when they come back).
 */
export class ConsoleDesk {
  private readonly assist = new AgentAssist();
  private readonly entityCache = new Map<number, ConsoleLine['entities']>();
  private readonly conversationOfVisitor = new Map<string, number>();

  constructor(private readonly hub: VisitorHub) {}

  async transcript(desk: SupportDesk, conversationId: number, limit = 200): Promise<ConsoleLine[]> {
    const messages = await desk.conversations.recent(conversationId, limit);
    return Promise.all(messages.map((m) => this.line(desk, m)));
  }

  async line(desk: SupportDesk, m: StoredMessage): Promise<ConsoleLine> {
    let entities = this.entityCache.get(m.id);
    if (!entities) {
      entities = m.role === 'user' && desk.entities ? await desk.entities(m.text).catch(() => []) : [];
      if (this.entityCache.size >= MAX_CACHED_ENTITIES) this.entityCache.delete(this.entityCache.keys().next().value!);
      this.entityCache.set(m.id, entities);
    }
    return { id: m.id, role: m.role, text: m.text, ts: m.createdAt, intent: m.intent, confidence: m.confidence, entities };
  }

  /** FAQ entries for the newest visitor line of a transcript. */
  suggest(desk: SupportDesk, lines: readonly ConsoleLine[]): Promise<Suggestion[]> {
    const last = [...lines].reverse().find((l) => l.role === 'user');
    return last ? this.assist.suggest(desk.faq, last.text) : Promise.resolve([]);
  }

  /** Sends a frame to every open tab of the web visitor behind a queue entry. */
  async toVisitor(desk: SupportDesk, entry: Pick<QueueEntry, 'conversationId' | 'platform' | 'channel'>, frame: unknown): Promise<void> {
    if (entry.platform !== WEB) return;
    for (const visitor of [...this.hub.visitors()]) {
      let id = this.conversationOfVisitor.get(visitor);
      if (id === undefined) {
        id = await desk.conversations.find(WEB, entry.channel, visitor);
        if (id === undefined) continue;
        if (this.conversationOfVisitor.size >= MAX_CACHED_ENTITIES) this.conversationOfVisitor.delete(this.conversationOfVisitor.keys().next().value!);
        this.conversationOfVisitor.set(visitor, id);
      }
      if (id === entry.conversationId) await this.hub.broadcast(visitor, frame);
    }
  }
}

/**
 * The status line the visitor's page shows for a queue state: `key` names the catalogue text
 * (bot/i18n/page-texts.ts, `desk.*`), which the page shows in its language with `vars` filled;
 * `text` is the English one, for clients that do not read keys.
 */
export function supportFrame(state: 'waiting' | 'taken' | 'bot' | 'closed', position?: number): Record<string, unknown> {
  const vars = { n: position ?? '?' };
  return { type: 'support', state, ...(state === 'waiting' ? { position } : {}), key: state, vars, text: t('en', `desk.${state}`, vars) };
}
