import assert from 'node:assert/strict';
import { CATALOGUE } from '../../bot/i18n/catalogue.js';
import { webChat } from '../helpers/web-chat.js';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('defect 9: one message catalogue per language', () => {
  it('every key exists in both en and zh, non-empty, with the same placeholders', () => {
    const en = Object.keys(CATALOGUE.en).sort();
    const zh = Object.keys(CATALOGUE.zh).sort();
    assert.deepEqual(zh, en);
    for (const k of en) {
      assert.ok(CATALOGUE.en[k]!.trim() && CATALOGUE.zh[k]!.trim(), k);
      assert.deepEqual(placeholders(CATALOGUE.zh[k]!), placeholders(CATALOGUE.en[k]!), k);
    }
  });

  it('a Chinese conversation gets Chinese topic names, reasons and card labels', async () => {
    const chat = await webChat();
    try {
      const v = await chat.visitor();
      const courses = await v.say('摄影入门课');
      assert.doesNotMatch(courses.text, /photography/i, courses.text);
      assert.match(courses.text, /摄影/);
      for (const c of courses.cards) {
        assert.deepEqual([c.labels.kind, c.labels.link, c.labels.sponsored], ['课程', '查看课程', '推广']);
        assert.doesNotMatch(c.reason ?? '', /covers|level|within/i);
      }
      const coupons = await v.say('上海的拉面优惠券');
      const coupon = coupons.cards.find((c) => c.kind === 'coupon');
      assert.ok(coupon, coupons.text);
      assert.equal(coupon.labels.claim, '领取优惠码');
      assert.doesNotMatch(coupon.reason ?? '', /valid until|Shanghai|online/, coupon.reason);
      const insurance = await v.say('旅游保险，我30岁');
      for (const c of insurance.cards) assert.doesNotMatch(c.reason ?? '', /Suits you|[a-z]{4,}/, c.reason);
      v.close();
    } finally {
      await chat.close();
    }
  });
});
