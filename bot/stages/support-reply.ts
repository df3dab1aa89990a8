import type { BotContext } from '../context.js';

export type Lang = 'en' | 'zh';

export function langOf(ctx: BotContext): Lang {
  return ctx.nlu?.language === 'zh' ? 'zh' : 'en';
}

export function fill(template: string, vars: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? ''));
}
