import { PermissionFlagsBits, type RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';

/** Option types as Discord numbers them (ApplicationCommandOptionType). */
const T = { String: 3, Integer: 4, Boolean: 5, Number: 10 } as const;

const LEVELS = ['beginner', 'intermediate', 'advanced'] as const;

/**
 * The slash commands, as registered with Discord. Each becomes a chat message the bot already
 * understands (`commandText`); `/crossfeed` changes the channel's settings and needs Manage Server.
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
 * The chat text a slash command stands for: `/recommend topic:python level:beginner budget:30`
 * -> "recommend a beginner python course under 30". Undefined for `/crossfeed` (not a chat message).
 */
export function commandText(name: CommandName, o: CommandOptions, prefix: string): string | undefined {
  const clean = (s: string | null | undefined): string => (s ?? '').replace(/\s+/g, ' ').trim();
  switch (name) {
    case 'recommend': {
      const level = LEVELS.find((l) => l === o.level);
      const words = ['recommend a', level, clean(o.topic), 'course'].filter(Boolean).join(' ');
      return o.budget === null || o.budget === undefined ? words : `${words} under ${o.budget}`;
    }
    case 'coupon':
      return clean(o.near) ? `coupons in ${clean(o.near)}` : 'coupons';
    case 'insurance': {
      const what = `${clean(o.type)} insurance`.trim();
      return o.age === null || o.age === undefined ? what : `${what}, I am ${o.age} years old`;
    }
    case 'ask':
      return clean(o.question) || 'help';
    case 'points':
      return `${prefix}points`;
    case 'checkin':
      return `${prefix}checkin`;
    case 'crossfeed':
      return undefined;
  }
}
