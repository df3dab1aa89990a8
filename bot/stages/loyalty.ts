import type { CheckinRules, LoyaltyStore } from '../../data/loyalty.js';
import type { ConversationStore } from '../../data/store.js';
import type { Middleware } from '../composer.js';
import type { BotContext } from '../context.js';
import { loyaltyText, type LOYALTY_TEXT } from '../loyalty-text.js';
import type { ChatMessage, ReplyAction, Role } from '../message.js';
import { ACTION_MIN_CONFIDENCE } from '../decide.js';
import { setReply } from '../respond.js';
import { langOf } from './support-reply.js';
import { isChatNoise } from '../support-text.js';

/** Points for taking part in chat; off unless a channel switches it on. */
export interface ChatEarningRules {
  enabled: boolean;
  points: number;
  /** Credited messages per user per minute. */
  perMinute: number;
  /** Messages shorter than this (after trimming) earn nothing. */
  minChars: number;
  /** A message equal to one of the user's last this-many texts earns nothing. */
  repeatWindow: number;
}

export interface LoyaltySettings {
  enabled: boolean;
  timeZone: string;
  checkin: Omit<CheckinRules, 'timeZone'>;
  chat: ChatEarningRules;
}

/** Every field optional, `undefined` allowed (as zod's partial objects give them). */
type Loose<T> = { [K in keyof T]?: T[K] | undefined };

/** Config `loyalty`: the defaults plus overrides per `platform:channel`. */
export interface LoyaltyOptions extends LoyaltySettings {
  channels: Record<string, { enabled?: boolean | undefined; timeZone?: string | undefined; checkin?: Loose<LoyaltySettings['checkin']> | undefined; chat?: Loose<ChatEarningRules> | undefined }>;
}

export const DefaultLoyaltyOptions = {
  enabled: true,
  timeZone: 'UTC',
  checkin: { points: 10, streakBonus: 5, maxStreakBonus: 50 },
  chat: { enabled: false, points: 1, perMinute: 1, minChars: 10, repeatWindow: 5 },
  channels: {},
} as const satisfies Required<LoyaltyOptions>;

export function loyaltySettings(o: LoyaltyOptions, platform: string, channel: string): LoyaltySettings {
  const c = o.channels[`${platform}:${channel}`] ?? {};
  return {
    enabled: c.enabled ?? o.enabled,
    timeZone: c.timeZone ?? o.timeZone,
    checkin: { ...o.checkin, ...definedOnly<LoyaltySettings['checkin']>(c.checkin) },
    chat: { ...o.chat, ...definedOnly<ChatEarningRules>(c.chat) },
  };
}

function definedOnly<T extends object>(o: Loose<T> | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}

const ADMIN_ROLES: readonly Role[] = ['broadcaster', 'moderator', 'admin', 'agent'];

/**
 * Anti-farming for chat earning: too short, a repeat of one of the user's recent texts, or past the
 * per-minute cap earns nothing. State lives in this process (a bot runs one pipeline per account).
 */
export class ChatEarningTracker {
  private readonly users = new Map<string, { texts: string[]; credited: number[] }>();

  eligible(user: string, text: string, at: number, rules: ChatEarningRules): boolean {
    const normalized = text.toLowerCase().replace(/\s+/g, ' ').trim();
    if ([...normalized].length < rules.minChars) return false;
    const state = this.users.get(user) ?? { texts: [], credited: [] };
    this.users.set(user, state);
    const repeated = state.texts.includes(normalized);
    state.texts = [...state.texts, normalized].slice(-rules.repeatWindow);
    if (repeated) return false;
    state.credited = state.credited.filter((t) => at - t < 60_000);
    if (state.credited.length >= rules.perMinute) return false;
    state.credited.push(at);
    if (this.users.size > 10_000) this.prune(at);
    return true;
  }

  private prune(at: number): void {
    for (const [user, s] of this.users) if (s.credited.every((t) => at - t >= 60_000)) this.users.delete(user);
  }
}

/** Chat participation earning, before the NLU runs: every channel message counts, addressed or not. */
export function chatEarning(deps: { store: LoyaltyStore; conversations: ConversationStore; options: LoyaltyOptions; onError: (err: unknown, message: ChatMessage) => void }): Middleware<BotContext> {
  const tracker = new ChatEarningTracker();
  return async (ctx, next) => {
    const m = ctx.message;
    const s = loyaltySettings(deps.options, m.platform, m.channel);
    if (s.enabled && s.chat.enabled && !m.direct && !ctx.command && !isChatNoise(ctx.text) && tracker.eligible(`${m.platform}:${m.user.platformId}`, ctx.text, m.time.getTime(), s.chat)) {
      try {
        const userId = await deps.conversations.resolveUser(m.platform, m.user.platformId, m.user.displayName);
        await deps.store.points.apply({
          userId, delta: s.chat.points, reason: 'chat', key: `chat:${m.platform}:${m.channel}:${m.id ?? `${m.user.platformId}:${m.time.getTime()}`}`,
          platform: m.platform, channel: m.channel,
        });
      } catch (err) {
        deps.onError(err, m); // a failed credit must not cost the viewer an answer
      }
    }
    await next();
  };
}

const INTENTS = new Set(['points_balance', 'check_in', 'redeem_points']);

/**
 * `!points`, `!checkin`, `!redeem [id]` (also /points and /checkin on Discord, and the same requests
 * in words when the bot is addressed). Codes are only handed out in a private chat. Moderators and
 * broadcasters may `!points grant|revoke @user <n> <reason>`. When loyalty is off in a channel the
 * dialogue policy answers as before.
 */
export function loyaltyCommands(store: LoyaltyStore, options: LoyaltyOptions): Middleware<BotContext> {
  return async (ctx, next) => {
    const m = ctx.message;
    const s = loyaltySettings(options, m.platform, m.channel);
    if (!s.enabled) return next();
    ctx.loyaltyOn = true;
    // Side effects (a check-in, a redemption) need an explicit command or a confident request that
    // is not, in fact, one of the FAQ's questions; anything less goes on to the dialogue policy.
    const confident = ctx.addressed === 'yes' && (ctx.nlu?.confidence ?? 0) >= ACTION_MIN_CONFIDENCE && !ctx.faq?.answerAlways && !ctx.faq?.answerOver;
    const intent = ctx.command || confident ? ctx.nlu?.intent : undefined;
    if (!intent || !INTENTS.has(intent) || !ctx.conversation) return next();
    const lang = langOf(ctx);
    const userId = ctx.conversation.userId;
    const say = async (key: keyof typeof LOYALTY_TEXT, vars: Record<string, string | number> = {}, actions: ReplyAction[] = []) =>
      setReply(ctx, { text: loyaltyText(key, lang, { prefix: ctx.policy.commandPrefix, ...vars }), cards: [], ...(actions.length ? { actions } : {}) });
    // Rewards this user can afford, as one-tap "redeem" actions (buttons on Discord).
    const affordable = async (balance: number): Promise<ReplyAction[]> =>
      (await store.rewards.list(`${m.platform}:${m.channel}`)).filter((r) => r.price <= balance).slice(0, 5)
        .map((r) => ({ kind: 'redeem', id: r.id, label: `Redeem ${r.name} (${r.price})` }));
    const args = ctx.command ? ctx.command.args.trim().split(/\s+/).filter(Boolean) : [];

    if (intent === 'points_balance') {
      if (args[0] === 'grant' || args[0] === 'revoke') return adminChange(ctx, store, args, say);
      const points = await store.points.balance(userId);
      return say('balance', { points }, await affordable(points));
    }
    if (intent === 'check_in') {
      const r = await store.points.checkIn({ userId, at: m.time, rules: { ...s.checkin, timeZone: s.timeZone }, platform: m.platform, channel: m.channel });
      return r.status === 'checked_in' ? say('checked_in', { points: r.points, streak: r.streak, balance: r.balance }) : say('already', { streak: r.streak, balance: r.balance });
    }
    const rewardId = args[0]?.toLowerCase();
    if (!rewardId) {
      const list = await store.rewards.list(`${m.platform}:${m.channel}`);
      const balance = await store.points.balance(userId);
      if (!list.length) return say('no_rewards', { balance });
      return say('rewards', { balance, list: list.slice(0, 8).map((r) => `${r.id} (${r.name}, ${r.price})`).join('; ') }, await affordable(balance));
    }
    if (!m.direct) return say('private_only', { id: rewardId });
    const requestId = `${m.platform}:${ctx.conversation.id}:${m.id ?? ctx.clientId ?? `${rewardId}:${m.time.getTime()}`}`;
    const r = await store.points.redeem({ userId, rewardId, requestId, platform: m.platform, channel: m.channel });
    if (r.ok) return say('redeemed', { reward: r.rewardName, price: r.price, code: r.code, balance: r.balance });
    const price = (await store.rewards.get(rewardId))?.price ?? 0;
    return say(r.error, { id: rewardId, price, balance: r.balance });
  };
}

async function adminChange(ctx: BotContext, store: LoyaltyStore, args: string[], say: (key: keyof typeof LOYALTY_TEXT, vars?: Record<string, string | number>) => Promise<void>): Promise<void> {
  const m: ChatMessage = ctx.message;
  if (!m.user.roles.some((r) => ADMIN_ROLES.includes(r))) return say('admin_usage'); // viewers get the usage line, nothing else
  const [verb, rawTarget, rawAmount, ...reason] = args;
  const amount = Number(rawAmount);
  if (!rawTarget || !Number.isSafeInteger(amount) || amount <= 0 || !reason.length) return say('admin_usage');
  const target = rawTarget.replace(/^@/, '');
  const userId = await store.points.findUser(m.platform, target);
  if (userId === undefined) return say('admin_unknown_user', { target: `@${target}` });
  const delta = verb === 'grant' ? amount : -amount;
  const r = await store.points.apply({
    userId, delta, reason: verb === 'grant' ? 'grant' : 'revoke', note: reason.join(' '), actor: `${m.platform}:${m.user.platformId}`,
    key: `admin:${m.platform}:${m.channel}:${m.id ?? `${m.user.platformId}:${m.time.getTime()}`}`, platform: m.platform, channel: m.channel,
  });
  if (!r.ok) return say('admin_insufficient', { target: `@${target}`, balance: r.balance });
  return say('admin_done', { target: `@${target}`, balance: r.balance, delta: delta > 0 ? `+${delta}` : String(delta) });
}
