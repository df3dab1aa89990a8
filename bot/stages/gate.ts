import { cleanText, MAX_MESSAGE_CHARS } from '../../nlp/text.js';
import type { Middleware } from '../composer.js';
import type { BotContext } from '../context.js';
import { phrase } from '../phrases.js';
import { setReply } from '../respond.js';
import { actionCommand } from '../actions.js';

export interface GateOptions {
  /** Names the bot answers to when @mentioned. */
  botNames: readonly string[];
}

/** Known commands and the intent each one stands for. */
export const COMMANDS: Readonly<Record<string, string>> = {
  course: 'recommend_course', courses: 'recommend_course', coupon: 'get_coupon', insurance: 'ask_insurance',
  points: 'points_balance', checkin: 'check_in', redeem: 'redeem_points', help: 'bot_help',
  // Handled by the account-linking stage before any dialogue policy.
  link: 'bot_help',
  // Handled by the privacy stage (bot/stages/privacy.ts): delete my data, after a confirmation.
  forgetme: 'bot_help',
  claim: 'get_coupon',
  // Handled by the coupon-claim stage: the codes you hold, in a private chat.
  mycodes: 'get_coupon',
};

/**
 * Is this message meant for the bot? Noise ends here, before any model runs. Direct chats,
 * @mentions, replies to the bot and commands are addressed; anything else is 'maybe' and only
 * goes on if the NLU is confident (see the attend stage).
 */
export function gate(o: GateOptions): Middleware<BotContext> {
  const mention = new RegExp(`^@?(?:${o.botNames.map(escape).join('|')})\\b[,:]?\\s*`, 'i');
  const anyMention = new RegExp(`@(?:${o.botNames.map(escape).join('|')})\\b`, 'i');
  return async (ctx, next) => {
    const m = ctx.message;
    if (m.text.length > MAX_MESSAGE_CHARS * 4) {
      // Far over the limit: answer directly once, never parse or store it.
      if (m.direct) setReply(ctx, { text: phrase('too_long', 'en'), cards: [] }, { mode: 'ephemeral' });
      return;
    }
    let text = cleanText(m.text);
    if (!text && m.action) text = m.action.kind;
    if (!text) return;
    if (text.length > MAX_MESSAGE_CHARS) {
      if (m.direct) setReply(ctx, { text: phrase('too_long', /[\u4e00-\u9fff]/.test(text) ? 'zh' : 'en'), cards: [] }, { mode: 'ephemeral' });
      return;
    }
    if (m.action) {
      // A slash command, a button, a picker: meant for the bot, and nothing to parse.
      const command = actionCommand(m.action);
      if (command) ctx.command = command;
      ctx.addressed = 'yes';
      ctx.text = text;
      return next();
    }
    const mentioned = m.mentionsBot === true || anyMention.test(text);
    text = text.replace(mention, '').trim();
    if (!text) text = 'hi';
    const prefix = ctx.policy.commandPrefix;
    if (text.startsWith(prefix)) {
      const [name = '', ...rest] = text.slice(prefix.length).split(/\s+/);
      const key = name.toLowerCase();
      if (!(key in COMMANDS)) {
        // In a group chat other bots' commands are not ours; in a private chat it was meant for us.
        if (!m.direct) return;
        ctx.unknownCommand = `${prefix}${name}`;
        // The unknown word still tells the language to answer in.
        ctx.command = { name: 'help', args: name };
      } else ctx.command = { name: key, args: rest.join(' ') };
      ctx.addressed = 'yes';
    } else {
      ctx.addressed = m.direct || mentioned || m.replyTo?.isBot === true ? 'yes' : 'maybe';
    }
    ctx.text = text;
    await next();
  };
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
