import type { BotContext } from '../context.js';

export type Lang = 'en' | 'zh';

export function langOf(ctx: BotContext): Lang {
  // The language the person asked for wins over the language of this one message.
  const asked = ctx.decision?.state.language ?? ctx.conversation?.state.language;
  return (asked ?? ctx.nlu?.language) === 'zh' ? 'zh' : 'en';
}

export function fill(template: string, vars: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? ''));
}
