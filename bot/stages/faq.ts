import type { Middleware } from '../composer.js';
import type { BotContext } from '../context.js';
import { faqTitle, type FaqKnowledge } from '../faq-index.js';
import { phrase } from '../phrases.js';
import { t } from '../i18n/catalogue.js';
import { fill, langOf } from './support-reply.js';
import { FAQ_TEXT as TEXT } from '../i18n/stage-texts.js';


/**
 * FAQ retrieval for the dialogue policy: looks the message up in the current index (rebuilt
 * within seconds of an edit) and leaves what it found on `ctx.faq` for `decide`.
 */
export function faqLookup(knowledge: FaqKnowledge): Middleware<BotContext> {
  return async (ctx, next) => {
    if (!ctx.command && !ctx.message.action && ctx.nlu) ctx.faq = (await knowledge.index()).lookup(ctx.text, ctx.nlu.language, ctx.nlu.vector);
    await next();
  };
}

/**
 * Renders FAQ decisions: an entry's answer word for word with its source line, or numbered
 * choices ("1".."3" picks one, the next number asks for a person). Nothing else is ever said as
 * an answer, so the bot cannot invent one.
 */
export function faqReplies(knowledge: FaqKnowledge): Middleware<BotContext> {
  return async (ctx, next) => {
    const action = ctx.decision?.action;
    if (action?.type !== 'faq_answer' && action?.type !== 'faq_choices') return next();
    const lang = langOf(ctx);
    const index = await knowledge.index();
    if (action.type === 'faq_answer') {
      const entry = index.get(action.entryId);
      const text = entry ? `${entry.answer}\n\n${fill(TEXT.source[lang], { title: faqTitle(entry) })}` : TEXT.gone[lang];
      ctx.reply = { text, cards: [] };
    } else {
      const entries = action.entryIds.flatMap((id) => index.get(id) ?? []);
      if (!entries.length) ctx.reply = { text: phrase('faq_unknown', lang), cards: [] };
      else {
        const lines = entries.map((e, i) => `${i + 1}. ${faqTitle(e)}`);
        const numbers = entries.map((_, i) => String(i + 1)).join(lang === 'zh' ? '、' : ', ');
        const pick = fill(TEXT.pick[lang], { numbers, human: entries.length + 1 });
        ctx.reply = { text: [TEXT.choices[lang], ...lines, `${entries.length + 1}. ${t(lang, 'faq.talk_to_person')}`, pick].join('\n'), cards: [] };
        ctx.decision!.state.faqChoices = entries.map((e) => e.id);
      }
    }
    await next();
  };
}
