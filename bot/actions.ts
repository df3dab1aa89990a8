import type { Entity, IntentName, NluResult } from '../nlp/types.js';
import { detectLanguage } from '../nlp/text.js';
import type { ChatAction } from './message.js';

/** Actions that are commands the command stages handle (claim, redeem, points...), as `ctx.command`. */
export function actionCommand(a: ChatAction): { name: string; args: string } | undefined {
  switch (a.kind) {
    case 'claim': return { name: 'claim', args: a.itemId };
    case 'redeem': return { name: 'redeem', args: a.rewardId };
    case 'points': return { name: 'points', args: '' };
    case 'checkin': return { name: 'checkin', args: '' };
    case 'mycodes': return { name: 'mycodes', args: '' };
    case 'help': return { name: 'help', args: '' };
    default: return undefined;
  }
}

const INTENT: Record<ChatAction['kind'], IntentName> = {
  recommend: 'recommend_course', coupon: 'get_coupon', insurance: 'ask_insurance', points: 'points_balance', checkin: 'check_in',
  mycodes: 'get_coupon', help: 'bot_help', claim: 'get_coupon', redeem: 'redeem_points', refine: 'refine',
};

/**
 * What a structured action means, as the NLU's result shape: the intent is certain and the
 * entities are the options given, so `decide` treats it like a perfectly understood sentence.
 */
export function actionUnderstanding(a: ChatAction, text: string): NluResult {
  const entities: Entity[] = [];
  const add = (label: Entity['label'], value: Entity['value']) => entities.push({ label, value, text: String(typeof value === 'object' ? '' : value), start: 0, end: 0, source: 'rule' });
  if (a.kind === 'recommend') {
    if (a.topic) add('topic', a.topic.toLowerCase());
    if (a.level) add('level', a.level);
    if (a.budget) add('budget', { amount: a.budget.max, currency: a.budget.currency, comparator: 'max', max: a.budget.max });
  } else if (a.kind === 'coupon') {
    if (a.near) add('location', a.near.toLowerCase());
  } else if (a.kind === 'insurance') {
    if (a.type) add('insurance_type', a.type.toLowerCase());
    if (a.age !== undefined) add('age', a.age);
  }
  const words = a.kind === 'recommend' ? a.topic ?? '' : a.kind === 'coupon' ? a.near ?? '' : a.kind === 'insurance' ? a.type ?? '' : '';
  return { text, intent: INTENT[a.kind], confidence: 1, alternatives: [], entities, language: detectLanguage(`${words} ${text}`) };
}
