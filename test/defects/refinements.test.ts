import assert from 'node:assert/strict';
import { webChat } from '../helpers/web-chat.js';

describe('defect 5: refinements keep the topic, convert currencies and never invent a budget', () => {
  it('"cheaper" and "more advanced" stay on photography; no "your budget" the user never gave', async () => {
    const chat = await webChat();
    try {
      const v = await chat.visitor();
      const first = await v.say('beginner photography course');
      assert.ok(first.cards.length > 0 && first.cards.every((c) => c.topics.includes('photography')));
      const cheaper = await v.say('cheaper');
      for (const c of cheaper.cards) {
        assert.ok(c.topics.includes('photography'), `${c.id} keeps the topic`);
        assert.doesNotMatch(c.reason ?? '', /your .* budget/, 'a ceiling we derived is not "your budget"');
      }
      const harder = await v.say('more advanced');
      assert.ok(harder.cards.length > 0, harder.text);
      for (const c of harder.cards) assert.ok(c.topics.includes('photography'), `${c.id} (${c.topics}) keeps the topic`);
      assert.doesNotMatch(harder.text, /under \$/, 'the derived ceiling did not stick');
      v.close();
    } finally {
      await chat.close();
    }
  });

  it('compares prices across currencies: after ¥49 and $12.99, "再便宜一点的" is below ¥49, not "$12.98"', async () => {
    const chat = await webChat();
    try {
      const v = await chat.visitor();
      const first = await v.say('摄影入门课');
      assert.deepEqual(first.cards.map((c) => c.priceLabel).sort(), ['$12.99', '$29.99', '¥49'].sort());
      const cheaper = await v.say('再便宜一点的');
      assert.doesNotMatch(cheaper.text, /12\.98/);
      assert.match(cheaper.text, /¥48\.99/);
      v.close();
    } finally {
      await chat.close();
    }
  });

  it('after a free card, "cheaper" never says "under Free"', async () => {
    const chat = await webChat();
    try {
      const v = await chat.visitor();
      const first = await v.say('free personal finance course');
      assert.ok(first.cards.some((c) => c.price === 0), first.text);
      const cheaper = await v.say('cheaper');
      assert.doesNotMatch(cheaper.text, /under Free/i);
      v.close();
    } finally {
      await chat.close();
    }
  });
});
