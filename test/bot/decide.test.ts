import assert from 'node:assert/strict';
import { decide, refineKind } from '../../bot/decide.js';
import { emptyState, restoreState } from '../../bot/dialogue.js';
import type { NluResult } from '../../nlp/types.js';
import { KeywordNlu } from '../helpers/keyword-nlu.js';

const nlu = new KeywordNlu();
const parse = (text: string) => nlu.parse(text);
const withIntent = async (text: string, intent: NluResult['intent'], confidence = 0.95) => ({ ...(await parse(text)), intent, confidence });

describe('bot/decide (dialogue policy)', () => {
  it('turns a course request into a recommendation request with every entity', async () => {
    const { action } = decide(await parse('recommend me a beginner python course under $30'), emptyState(), { direct: true });
    assert.equal(action.type, 'recommend');
    assert.ok(action.type === 'recommend');
    assert.deepEqual({ ...action.request, text: undefined }, {
      kind: 'course', text: undefined, userLanguage: 'en', topic: 'python', level: 'beginner', budget: { currency: 'USD', max: 30 } });
  });

  it('stays silent on noise in group chat and answers it with help in a direct chat', async () => {
    assert.equal(decide(await parse('gg lol'), emptyState(), { direct: false }).action.type, 'silent');
    const direct = decide(await parse('gg lol'), emptyState(), { direct: true });
    assert.deepEqual(direct.action, { type: 'say', key: 'noise' });
    assert.equal(direct.state.misses, 0, 'noise is not a miss');
  });

  it('answers from the FAQ over a confident help, points or coupon intent only when the match is very strong (answerOver)', async () => {
    const strong = { choices: ['coupon-redemption'], answerOver: 'coupon-redemption' };
    for (const intent of ['bot_help', 'redeem_points', 'get_coupon'] as const) {
      assert.deepEqual(decide(await withIntent('how do I use the voucher you gave me', intent), emptyState(), { direct: true, faq: strong }).action,
        { type: 'faq_answer', entryId: 'coupon-redemption' }, intent);
      assert.notEqual(decide(await withIntent('how do I use the voucher you gave me', intent), emptyState(), { direct: true, faq: { choices: ['coupon-redemption'] } }).action.type,
        'faq_answer', `${intent} without answerOver`);
    }
    // A course request, a person or stopping messages always stand.
    assert.equal(decide(await withIntent('python courses in chinese', 'recommend_course'), emptyState(), { direct: true, faq: { choices: ['course-language'], answerOver: 'course-language' } }).action.type, 'recommend');
    assert.equal(decide(await withIntent('talk to a human', 'human_handoff'), emptyState(), { direct: true, faq: { choices: ['contact-support'], answerOver: 'contact-support' } }).action.type, 'handoff');
    assert.deepEqual(decide(await withIntent('stop messaging me', 'opt_out'), emptyState(), { direct: true, faq: { choices: ['delete-my-data'], answerOver: 'delete-my-data' } }).action, { type: 'say', key: 'opted_out' });
  });

  it('treats low-confidence guesses as not understood', async () => {
    const { action, state } = decide(await withIntent('python maybe', 'recommend_course', 0.2), emptyState(), { direct: true });
    assert.deepEqual(action, { type: 'say', key: 'fallback' });
    assert.equal(state.misses, 1);
  });

  it('asks for age before any insurance, declines minors, continues for adults', async () => {
    const first = decide(await parse('any travel insurance?'), emptyState(), { direct: true });
    assert.equal(first.action.type, 'ask_age');
    const minor = decide(await withIntent('16', 'oos'), first.state, { direct: true });
    assert.deepEqual(minor.action, { type: 'decline_minor' });
    const adult = decide(await withIntent('34', 'oos'), first.state, { direct: true });
    assert.ok(adult.action.type === 'recommend' && adult.action.request.age === 34 && adult.action.request.insuranceType === 'travel');
    assert.equal(adult.state.pending, undefined);
  });

  it('remembers age and location for later requests', async () => {
    const s = decide(await parse("I'm 40, any travel insurance?"), emptyState(), { direct: true });
    assert.ok(s.action.type === 'recommend' && s.action.request.age === 40);
    const remembered = { ...s.state, profile: { ...s.state.profile, location: 'Brooklyn' } };
    const later = decide(await withIntent('ramen coupons please', 'get_coupon'), remembered, { direct: true });
    assert.ok(later.action.type === 'recommend' && later.action.request.location === 'Brooklyn', 'a local offer (a restaurant) uses it');
    const product = decide(await withIntent('gaming headset coupon', 'get_coupon'), remembered, { direct: true });
    assert.ok(product.action.type === 'recommend' && product.action.request.location === undefined, 'a product coupon does not');
  });

  it('refines the last request: another, cheaper, harder', async () => {
    const state = { ...emptyState(), lastRequest: { kind: 'course' as const, text: 'python', topic: 'python', level: 'beginner' as const },
      shown: ['a', 'b'], lastSuggestions: [{ id: 'a', price: 20, currency: 'USD' }, { id: 'b', price: 12, currency: 'USD' }] };
    const another = decide(await parse('another one'), state, { direct: true }).action;
    assert.ok(another.type === 'recommend' && another.refine === 'another');
    assert.deepEqual(another.request.excludeIds, ['a', 'b']);
    const cheaper = decide(await parse('cheaper?'), state, { direct: true }).action;
    assert.ok(cheaper.type === 'recommend' && cheaper.request.ceiling?.max === 11.99 && cheaper.request.budget === undefined, 'a ceiling, not a budget');
    assert.ok(cheaper.request.keepTopic, 'the topic is kept');
    const harder = decide(await parse('something more advanced'), state, { direct: true }).action;
    assert.ok(harder.type === 'recommend' && harder.request.level === 'intermediate');
    assert.deepEqual(decide(await parse('another one'), emptyState(), { direct: true }).action, { type: 'say', key: 'refine_without_context' });
  });

  it('classifies refinements in both languages', () => {
    assert.deepEqual(['another one', 'cheaper?', '有便宜点的吗', '换一个', 'something more advanced', 'free ones?'].map(refineKind),
      ['another', 'cheaper', 'cheaper', 'another', 'harder', 'free']);
  });

  it('restores damaged stored state field by field', () => {
    const s = restoreState({ shown: ['x', 3], profile: { age: 'old', location: 'Brooklyn' }, misses: 'many', optedOut: true });
    assert.deepEqual(s, { shown: ['x'], lastSuggestions: [], profile: { location: 'Brooklyn' }, misses: 0, optedOut: true });
    assert.deepEqual(restoreState('garbage'), emptyState());
  });
});
