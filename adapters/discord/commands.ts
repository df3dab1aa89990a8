import type { ChatAction } from '../../bot/message.js';
import { PermissionFlagsBits, type RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';

/** Option types as Discord numbers them (ApplicationCommandOptionType). */
const T = { String: 3, Integer: 4, Boolean: 5, Number: 10 } as const;

const LEVELS = ['beginner', 'intermediate', 'advanced'] as const;

/**
 * The slash commands, as registered with Discord. Each becomes a chat message the bot already
 * acts on (`commandMessage`: a typed action, never a sentence to re-parse); `/crossfeed` changes the channel's settings and needs Manage Server.
 */
export const SlashCommands: readonly RESTPostAPIChatInputApplicationCommandsJSONBody[] = [
  {
    name: 'recommend', description: 'Suggest a course',
    options: [
      { type: T.String, name: 'topic', description: 'What to learn, e.g. python', max_length: 80 },
      { type: T.String, name: 'level', description: 'Your level', choices: LEVELS.map((l) => ({ name: l, value: l })) },
      { type: T.Number, name: 'budget', description: 'Most you want to pay (USD)', min_value: 0, max_value: 100_000 },
    ],
  },
  {
    name: 'coupon', description: 'Partner coupons near you (only you see them)',
    options: [{ type: T.String, name: 'near', description: 'City, e.g. New York', max_length: 80 }],
  },
  {
    name: 'insurance', description: 'Insurance suggestions (only you see them)',
    options: [
      { type: T.String, name: 'type', description: 'e.g. travel, pet, health', max_length: 40 },
      { type: T.Integer, name: 'age', description: 'Your age (insurance depends on it)', min_value: 0, max_value: 120 },
    ],
  },
  {
    name: 'ask', description: 'Ask a question',
    options: [{ type: T.String, name: 'question', description: 'Your question', required: true, max_length: 500 }],
  },
  { name: 'points', description: 'Your loyalty points (only you see them)' },
  { name: 'checkin', description: 'Daily check-in for points (only you see it)' },
  {
    name: 'crossfeed', description: "This channel's crossfeed settings",
    default_member_permissions: String(PermissionFlagsBits.ManageGuild),
    dm_permission: false,
    options: [
      { type: T.Boolean, name: 'questions', description: 'Answer questions nobody addressed to the bot (needs Message Content)' },
      { type: T.Number, name: 'confidence', description: 'How sure (0-1) before answering an unaddressed question', min_value: 0, max_value: 1 },
      { type: T.Boolean, name: 'promotions', description: 'Allow sponsored suggestions in this channel' },
    ],
  },
];

export type CommandName = 'recommend' | 'coupon' | 'insurance' | 'ask' | 'points' | 'checkin' | 'crossfeed';

/** Personal answers (codes, balances, insurance details) are ephemeral: only the asker sees them. */
export const PersonalCommands: ReadonlySet<string> = new Set(['coupon', 'insurance', 'points', 'checkin']);

export function isCommandName(name: string): name is CommandName {
  return SlashCommands.some((c) => c.name === name);
}

/** A slash command's options as read from the interaction (already type-checked by discord.js). */
export interface CommandOptions {
  readonly topic?: string | null;
  readonly level?: string | null;
  readonly budget?: number | null;
  readonly near?: string | null;
  readonly type?: string | null;
  readonly age?: number | null;
  readonly question?: string | null;
}

/**
 * The typed request a slash command stands for, and the line the transcript shows:
 * `/recommend topic:python level:beginner budget:30` -> a `recommend` action with those options.
 * `/ask` is a question in words (text only). Undefined for `/crossfeed` (not a chat message).
 */
export function commandMessage(name: CommandName, o: CommandOptions): { text: string; action?: ChatAction } | undefined {
  const clean = (s: string | null | undefined): string => (s ?? '').replace(/\s+/g, ' ').trim();
  const shown = (parts: [string, unknown][]) => [`/${name}`, ...parts.filter(([, v]) => v !== undefined && v !== null && v !== '').map(([k, v]) => `${k}:${String(v)}`)].join(' ');
  switch (name) {
    case 'recommend': {
      const level = LEVELS.find((l) => l === o.level);
      const topic = clean(o.topic);
      const budget = o.budget === null || o.budget === undefined ? undefined : o.budget;
      return {
        text: shown([['topic', topic], ['level', level], ['budget', budget]]),
        action: { kind: 'recommend', ...(topic ? { topic } : {}), ...(level ? { level } : {}), ...(budget !== undefined ? { budget: { max: budget, currency: 'USD' } } : {}) },
      };
    }
    case 'coupon': {
      const near = clean(o.near);
      return { text: shown([['near', near]]), action: { kind: 'coupon', ...(near ? { near } : {}) } };
    }
    case 'insurance': {
      const type = clean(o.type);
      const age = o.age === null || o.age === undefined ? undefined : o.age;
      return { text: shown([['type', type], ['age', age]]), action: { kind: 'insurance', ...(type ? { type } : {}), ...(age !== undefined ? { age } : {}) } };
    }
    case 'ask':
      return { text: clean(o.question) || 'help' };
    case 'points':
      return { text: '/points', action: { kind: 'points' } };
    case 'checkin':
      return { text: '/checkin', action: { kind: 'checkin' } };
    case 'crossfeed':
      return undefined;
  }
}
