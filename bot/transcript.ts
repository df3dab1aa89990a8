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

/**
 * Where a message's answers go. Adapters implement it; every reply passes through their outbound
 * queue. `recorded` is called once the user's message is stored (the web transcript echoes it).
 */
export interface Outbound {
  send(reply: Reply, stored?: TranscriptMessage): Promise<void>;
  recorded?(message: TranscriptMessage): Promise<void> | void;
  typing?(): void;
}
