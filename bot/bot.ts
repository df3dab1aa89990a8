import type { Store } from '../data/store.js';
import type { Nlu } from '../nlp/types.js';
import type { Recommender } from '../recommender/recommender.js';
import type { CollaborativeSignals } from './collaborative.js';
import { compose } from './composer.js';
import type { BotContext } from './context.js';
import type { ChatMessage, Platform } from './message.js';
import { decideStage, recommendAndRender, remember } from './stages/converse.js';
import { respond } from './respond.js';
import { DefaultChannelPolicy, platformPolicy, type ChannelPolicy, type ChannelPolicySource } from './channel-policy.js';
import { gate, type GateOptions } from './stages/gate.js';
import { attend, understand } from './stages/understand.js';
import { rankingSignals } from './stages/signals.js';
import { accountLinking } from './stages/account-link.js';
import { couponClaims } from './stages/coupon-claim.js';
import { DefaultPromotionCaps, promotionPolicy, type PromotionCaps } from './stages/promotions.js';
import { campaignPolicy } from './stages/campaigns.js';
import { metrics, timedNlu } from './metrics.js';
import { toTranscript, type Outbound, type TranscriptMessage } from './transcript.js';
import { maskedError } from '../data/pii.js';
import { FaqKnowledge } from './faq-index.js';
import type { ConversationEvent } from './support-events.js';
import { faqLookup, faqReplies } from './stages/faq.js';
import { scriptLanguage } from './language.js';
import { phrase } from './phrases.js';
import { handoffReplies, supportGate } from './stages/handoff.js';
import { forgetMe } from './stages/privacy.js';
import { whatYouKnow } from './stages/what-you-know.js';
import { chatEarning, DefaultLoyaltyOptions, loyaltyCommands, type LoyaltyOptions } from './stages/loyalty.js';

/** Support desk behaviour (config `support`). */
export interface SupportOptions {
  /** Consecutive messages not understood before a direct conversation is offered a person (0 = never). */
  handoffAfterMisses: number;
  /** How often the FAQ version is checked, so knowledge-base edits apply without a restart. */
  faqRefreshMs: number;
}

export const DefaultSupportOptions = { handoffAfterMisses: 3, faqRefreshMs: 2000 } as const satisfies Required<SupportOptions>;

/** Bot-wide options; the channel policy ones are the defaults every channel starts from. */
export interface BotOptions extends GateOptions, ChannelPolicy {
  promotionCaps: PromotionCaps;
  support: SupportOptions;
  /** Points, check-ins and rewards (config `loyalty`, with per-channel overrides). */
  loyalty: LoyaltyOptions;
}

export const DefaultBotOptions = {
  botNames: ['crossfeed'],
  ...DefaultChannelPolicy,
  promotionCaps: DefaultPromotionCaps,
  support: DefaultSupportOptions,
  loyalty: DefaultLoyaltyOptions,
} as const satisfies Required<BotOptions>;

export interface BotDeps {
  nlu: Nlu;
  recommender: Recommender;
  store: Store;
  options?: Partial<BotOptions>;
  /** Per-channel overrides of the policy options (config file, database). */
  channelPolicy?: ChannelPolicySource;
  /** Public address of the web server for `/r/<token>` tracking links; absent = catalog links. */
  trackingBaseUrl?: string | undefined;
  /** Collaborative scores (bot/collaborative.ts); absent = none. */
  collaborative?: CollaborativeSignals;
  /** Randomness for exploration (seeded in tests); Math.random by default. */
  random?: () => number;
  /** Where errors go; the default writes them to stderr with emails and phone numbers masked. */
  onError?: (err: unknown, message: ChatMessage) => void;
  /** Agents logged in to the console now; 0 (the default) makes a handoff offer to take an email and message. */
  agentsOnline?: () => number;
  /** The web support page Twitch and Discord users are sent to for a person. */
  supportWebUrl?: string | undefined;
  /**
   * Activity in conversations with an open support-queue entry (see bot/support-events.ts): the
   * console pushes these to the agent live. `ConversationEvents.emit` fits here.
   */
  onConversationEvent?: (event: ConversationEvent) => void;
  /** The clock campaigns are checked against (tests move it). */
  now?: () => Date;
  /** A campaign withheld its items from a recommendation (metrics). */
  onCampaignRefusal?: (reason: string) => void;
}

/**
 * The pipeline: respond (wraps everything: stores, announces and sends the one reply a stage set) -> gate -> chat earning -> understand -> attend -> remember -> delete-my-data -> support gate
 * (silent while an agent has the conversation) -> account linking -> coupon claims -> FAQ lookup -> loyalty (a command or a confident intent) -> decide -> FAQ / handoff replies ->
 * promotion policy -> recommend/render.
 * Messages of one user in one channel are handled strictly in order (the next starts once the
 * previous reply was handed to the adapter, not once the platform delivered it); different users run concurrently.
 */
export class Bot {
  private readonly run: (ctx: BotContext) => Promise<void>;
  private readonly queues = new Map<string, Promise<void>>();
  private readonly onError: (err: unknown, message: ChatMessage) => void;
  private readonly defaults: ChannelPolicy;
  /** Messages waiting their turn, being handled, and dropped by stop(). */
  private readonly work = { queued: 0, running: 0, dropped: 0 };
  private stopping = false;
  private readonly knowledge: FaqKnowledge;
  private idle: (() => void)[] = [];

  constructor(private readonly deps: BotDeps) {
    const o = { ...DefaultBotOptions, ...deps.options };
    this.defaults = { commandPrefix: o.commandPrefix, answerUnaddressed: o.answerUnaddressed, unaddressedMinConfidence: o.unaddressedMinConfidence, promotions: o.promotions };
    const conversations = deps.store.conversations;
    this.onError = deps.onError ?? ((err) => console.error('crossfeed: message failed:', maskedError(err)));
    const listener = deps.onConversationEvent;
    const emit = (e: ConversationEvent) => {
      try {
        listener?.(e);
      } catch (err) {
        this.onError(err, internalWork(`conversation event ${e.type}`));
      }
    };
    const knowledge = new FaqKnowledge(deps.store.faq, { refreshMs: o.support.faqRefreshMs, encoders: { en: deps.nlu.encoder, zh: deps.nlu.chineseEncoder } });
    this.knowledge = knowledge;
    // Catalog search with the NLU's encoders (hybrid relevance per query language); lexical until the items are embedded.
    const encoders = [['en', deps.nlu.encoder], ['zh', deps.nlu.chineseEncoder]] as const;
    for (const [language, encoder] of encoders) {
      if (!encoder) continue;
      void deps.recommender.useEncoder((t) => encoder.embed(t), language).catch((err) => this.onError(err, internalWork('catalog embedding')));
    }
    const handoff = {
      queue: deps.store.support, conversations, agentsOnline: deps.agentsOnline ?? (() => 0), webUrl: deps.supportWebUrl, emit,
    };
    this.run = compose<BotContext>([
      respond({ conversations, interactions: deps.store.interactions, tracking: deps.store.tracking, trackingBaseUrl: deps.trackingBaseUrl, emit }),
      gate(o),
      chatEarning({ store: deps.store.loyalty, conversations, options: o.loyalty, onError: (err, message) => this.onError(err, message) }),
      understand(timedNlu(deps.nlu)),
      attend(),
      remember(conversations),
      forgetMe({ privacy: deps.store.privacy, conversations, emit }),
      whatYouKnow(deps.store),
      supportGate(handoff),
      accountLinking(deps.store.identities),
      couponClaims(deps.store.coupons, (id) => deps.recommender.item(id)?.title),
      // Before loyalty: a question that is nearly one of the FAQ's is never taken for a check-in.
      faqLookup(knowledge),
      loyaltyCommands(deps.store.loyalty, o.loyalty),
      decideStage({ handoffAfterMisses: o.support.handoffAfterMisses }),
      faqReplies(knowledge),
      handoffReplies(handoff),
      promotionPolicy(deps.store.interactions, o.promotionCaps, undefined, (cap) => metrics.refusals.inc({ kind: 'cap', reason: cap })),
      campaignPolicy(deps.store.campaigns, deps.now, (reason) => {
        metrics.refusals.inc({ kind: 'campaign', reason });
        deps.onCampaignRefusal?.(reason);
      }),
      rankingSignals({
        interactions: deps.store.interactions, item: (id) => deps.recommender.item(id), toUsd: (p, c) => deps.recommender.toUsd(p, c),
        templateStats: (since) => deps.store.tracking.templateStats(since),
        ...(deps.collaborative ? { collaborative: deps.collaborative } : {}),
      }, deps.random),
      recommendAndRender(deps.recommender),
    ]);
  }

  /** The FAQ changed (on this instance or another): the next question re-reads it instead of waiting for the version check. */
  faqChanged(): void {
    this.knowledge.invalidate();
  }

  /** Handles one inbound message; answers go to `out`. Never throws: failures are reported and answered politely. */
  handle(message: ChatMessage, out: Outbound, clientId?: string): Promise<void> {
    if (this.stopping) {
      this.work.dropped++;
      return Promise.resolve();
    }
    metrics.messages.inc({ platform: message.platform });
    const key = `${message.platform}\u0000${message.channel}\u0000${message.user.platformId}`;
    const previous = this.queues.get(key) ?? Promise.resolve();
    this.work.queued++;
    let handled!: () => void;
    // The user's next message waits for this one's handling, not for the platform's delivery queue.
    const turn = new Promise<void>((resolve) => { handled = resolve; });
    const done = previous.then(async () => {
      this.work.queued--;
      if (this.stopping) return;
      this.work.running++;
      try {
        await this.handleNow(message, out, handled, clientId);
      } finally {
        if (--this.work.running === 0) for (const wake of this.idle.splice(0)) wake();
      }
    }).finally(handled);
    this.queues.set(key, turn);
    void turn.then(() => {
      if (this.queues.get(key) === turn) this.queues.delete(key);
    });
    return done;
  }

  private async handleNow(message: ChatMessage, out: Outbound, handled: () => void, clientId?: string): Promise<void> {
    const policy = { ...this.defaults, ...platformPolicy(message.platform), ...this.deps.channelPolicy?.(message.platform, message.channel) };
    const ctx: BotContext = { message, out, policy, text: '', addressed: 'maybe', handled, ...(clientId ? { clientId } : {}) };
    try {
      await this.run(ctx);
    } catch (err) {
      this.onError(err, message);
      if (message.direct || ctx.addressed === 'yes') {
        const lang = ctx.decision?.state.language ?? ctx.conversation?.state.language ?? ctx.nlu?.language ?? scriptLanguage(message.text);
        await out.send({ text: phrase('went_wrong', lang === 'zh' ? 'zh' : 'en'), cards: [] }).catch(() => undefined);
      }
    }
  }

  /**
   * Shutdown: takes no new messages and drops those still waiting (they count as dropped); the
   * messages being handled now finish. Returns the counts at the moment of stopping and a promise
   * that resolves once nothing is being handled (so the database can close under nobody).
   */
  stop(): { dropped: number; inFlight: number; finished: Promise<void> } {
    this.stopping = true;
    const dropped = this.work.queued;
    this.work.dropped += dropped;
    const finished = this.work.running === 0 ? Promise.resolve() : new Promise<void>((resolve) => this.idle.push(resolve));
    return { dropped, inFlight: this.work.running, finished };
  }

  /** Messages being handled now, waiting, and dropped since stop(). */
  load(): { running: number; queued: number; dropped: number } {
    return { ...this.work };
  }

  /** The stored transcript of one user's conversation in a channel, oldest first. */
  async history(platform: Platform, channel: string, platformUserId: string, limit = 100): Promise<TranscriptMessage[]> {
    const { conversations } = this.deps.store;
    const id = await conversations.find(platform, channel, platformUserId);
    return id === undefined ? [] : (await conversations.recent(id, limit)).map(toTranscript);
  }
}

/** The stand-in message `onError` gets for work of the bot's own that no user message started. */
function internalWork(what: string): ChatMessage {
  return { platform: 'web', channel: '', user: { platformId: '', displayName: '', roles: [] }, text: what, time: new Date(), direct: false };
}
