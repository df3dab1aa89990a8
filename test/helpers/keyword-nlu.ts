import { RuleEntityExtractor } from '../../nlp/entity-rules.js';
import { cleanText, detectLanguage } from '../../nlp/text.js';
import type { IntentName, Nlu, NluResult } from '../../nlp/types.js';

/**
 * A deterministic stand-in for the model-backed NLU, so pipeline tests check the bot's logic,
 * not the model's accuracy. Real entity rules, keyword intents.
 */
const RULES: [IntentName, RegExp][] = [
  ['refine', /another|cheaper|more advanced|easier|换一个|便宜/i],
  ['recommend_course', /course|课|learn/i],
  ['get_coupon', /coupon|优惠券/i],
  ['ask_insurance', /insurance|保险/i],
  ['greet', /^(hi|hello|你好)\b/i],
  ['opt_out', /stop sending|不要再推荐/i],
  ['faq', /refund|退款/i],
];

export class KeywordNlu implements Nlu {
  readonly calls: string[] = [];
  private readonly rules = new RuleEntityExtractor();

  async parse(raw: string): Promise<NluResult> {
    const text = cleanText(raw);
    this.calls.push(text);
    const language = detectLanguage(text);
    const hit = RULES.find(([, re]) => re.test(text));
    return { text, intent: hit?.[0] ?? 'oos', confidence: hit ? 0.95 : 0.9, alternatives: [], entities: this.rules.extract(text, language), language };
  }
}
