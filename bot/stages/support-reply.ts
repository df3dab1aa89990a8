import type { ConversationStore } from '../../data/store.js';
import type { BotContext } from '../context.js';
import type { DialogueState } from '../dialogue.js';
import type { Reply } from '../message.js';
import { toTranscript } from './converse.js';

/**
 * Answers from a support stage that ends the message's journey early (contact details, delete my
 * data): stores the reply and the dialogue state, then sends it, as deliver does for card-less replies.
 */
export async function replyNow(ctx: BotContext, store: ConversationStore, reply: Reply, state: DialogueState): Promise<void> {
  const conv = ctx.conversation!;
  const stored = await store.append(conv.id, { role: 'bot', text: reply.text, cards: [], intent: ctx.nlu?.intent ?? null });
  ctx.botMessage = toTranscript(stored);
  conv.state = state;
  await store.saveState(conv.id, state);
  await ctx.out.send(reply, ctx.botMessage);
}

export type Lang = 'en' | 'zh';

export function langOf(ctx: BotContext): Lang {
  return ctx.nlu?.language === 'zh' ? 'zh' : 'en';
}

export function fill(template: string, vars: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? ''));
}
