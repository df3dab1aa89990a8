import { Bot, type BotOptions } from '../../bot/bot.js';
import type { ChannelPolicySource } from '../../bot/channel-policy.js';
import type { ChatMessage, Platform, Reply } from '../../bot/message.js';
import type { TranscriptMessage } from '../../bot/transcript.js';
import { openSqliteStore } from '../../data/sqlite/sqlite-store.js';
import type { Store } from '../../data/store.js';
import type { Nlu } from '../../nlp/types.js';
import { seededRng } from '../../recommender/random.js';
import { Recommender } from '../../recommender/recommender.js';
import { seedItems } from './catalog.js';
import { KeywordNlu } from './keyword-nlu.js';

/** A conversation harness: `say(text)` runs the whole pipeline and returns what the bot answered. */
export class TestConversation {
  readonly recorded: TranscriptMessage[] = [];
  constructor(readonly bot: Bot, readonly store: Store, private readonly base: Omit<ChatMessage, 'text' | 'time'>) {}

  async say(text: string, extra: Partial<ChatMessage> = {}): Promise<Reply[]> {
    const replies: Reply[] = [];
    await this.bot.handle({ ...this.base, ...extra, text, time: new Date() }, {
      send: async (r) => void replies.push(r),
      recorded: (m) => void this.recorded.push(m),
    });
    return replies;
  }
}

export async function testBot(o: { nlu?: Nlu; options?: Partial<BotOptions>; platform?: Platform; direct?: boolean; errors?: unknown[]; channelPolicy?: ChannelPolicySource; links?: { trackingBaseUrl?: string; supportWebUrl?: string } } = {}) {
  const store = await openSqliteStore(':memory:');
  const items = await seedItems();
  await store.catalog.upsert(items);
  const recommender = new Recommender(items);
  const bot = new Bot({ nlu: o.nlu ?? new KeywordNlu(), recommender, store, random: seededRng(1), ...o.links, ...(o.options ? { options: o.options } : {}), ...(o.channelPolicy ? { channelPolicy: o.channelPolicy } : {}),
    onError: (err) => void o.errors?.push(err) });
  const conversation = new TestConversation(bot, store, {
    platform: o.platform ?? 'web', channel: 'test-channel', direct: o.direct ?? true,
    user: { platformId: 'u1', displayName: 'Viewer One', roles: [] },
  });
  return { bot, store, recommender, conversation };
}
