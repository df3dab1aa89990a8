import type { StoredMessage } from '../data/store.js';
import type { Card, Reply } from './message.js';

/** A line of a conversation as adapters show it (the web transcript, history after reload). */
export interface TranscriptMessage {
  id: string;
  role: 'user' | 'bot' | 'agent';
  text: string;
  cards: Card[];
  ts: string;
  clientId?: string;
}

/** A stored message as the transcript shows it (the web history, the agent console). */
export function toTranscript(m: StoredMessage): TranscriptMessage {
  return {
    id: String(m.id), role: m.role, text: m.text, cards: m.cards as Card[], ts: m.createdAt,
    ...(m.clientId ? { clientId: m.clientId } : {}),
  };
}

/**
 * Where a message's answers go. Adapters implement it; every reply passes through their outbound
 * queue. `recorded` is called once the user's message is stored (the web transcript echoes it).
 * `send` resolves once the platform took the reply or dropped it: `false` means it was not sent
 * (dropped as stale, refused), so no impression is counted for it.
 */
export interface Outbound {
  send(reply: Reply, stored?: TranscriptMessage): Promise<boolean | void>;
  recorded?(message: TranscriptMessage): Promise<void> | void;
  typing?(): void;
  /**
   * True while an answer given now could not be delivered before it goes stale (the platform's send
   * queue for this conversation is full): chat nobody addressed to the bot is then left unread, as
   * in a channel that does not answer it. Absent: never.
   */
  backlogged?(): boolean;
}
