import type { QueueEntry, QueueStatus } from '../data/support.js';
import type { TranscriptMessage } from './transcript.js';

/**
 * What the bot reports about conversations in the support queue, so the agent console can show
 * them live. Emitted through `BotDeps.onConversationEvent`:
 *
 * - `visitor_message`: a visitor line was stored in a conversation with an open queue entry
 *   (`queue` says whether it is waiting or taken; while taken the bot itself stays silent, so
 *   this is how the owning agent sees it).
 * - `bot_message`: the bot answered in such a conversation (also its "you're number 2" reply).
 * - `queued`: the conversation joined the queue (or asked again while in it).
 * - `contact_left`: the visitor left an email and message (no agent was online).
 * - `forgotten`: the visitor deleted their data; the conversation id no longer exists.
 *
 * Listeners run synchronously inside the pipeline: keep them quick and never throw (a throwing
 * listener is reported through `onError` and the message goes on).
 */
export type ConversationEvent =
  | { type: 'visitor_message'; conversationId: number; platform: string; channel: string; queue: QueueStatus; message: TranscriptMessage }
  | { type: 'bot_message'; conversationId: number; platform: string; channel: string; message: TranscriptMessage }
  | { type: 'queued'; conversationId: number; entry: QueueEntry; position: number | undefined }
  | { type: 'contact_left'; conversationId: number; email: string }
  | { type: 'forgotten'; conversationId: number };

export type ConversationEventListener = (event: ConversationEvent) => void;

/** Fans bot events out to any number of listeners (the console subscribes; `emit` goes into BotDeps). */
export class ConversationEvents {
  private readonly listeners = new Set<ConversationEventListener>();

  readonly emit = (event: ConversationEvent): void => {
    for (const listener of [...this.listeners]) listener(event);
  };

  /** Returns the unsubscribe function. */
  subscribe(listener: ConversationEventListener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }
}
