/**
 * The one normalized message shape every adapter produces, and the one reply shape it renders.
 * Nothing here knows a platform's wire format.
 */

export type Platform = 'web' | 'twitch' | 'discord' | 'cli';

export type Role = 'broadcaster' | 'moderator' | 'vip' | 'subscriber' | 'agent' | 'admin';

export interface ChatUser {
  /** The user's id on the platform (Twitch user-id, Discord snowflake, web visitor id). */
  readonly platformId: string;
  readonly displayName: string;
  readonly roles: readonly Role[];
}

export interface ChatMessage {
  readonly platform: Platform;
  /** Channel, server channel or web site the message was posted in. */
  readonly channel: string;
  readonly user: ChatUser;
  /** Raw text as received; the gate sanitizes it. */
  readonly text: string;
  readonly time: Date;
  /** Platform message id, when the platform has one. */
  readonly id?: string;
  /** What this message replies to, when it is a reply. */
  readonly replyTo?: { readonly messageId: string; readonly userId?: string; readonly isBot?: boolean };
  /** True for one-to-one conversations (web widget, DMs, the terminal): everything is meant for the bot. */
  readonly direct: boolean;
  /** True when the adapter saw an explicit mention of the bot. */
  readonly mentionsBot?: boolean;
  /**
   * What the person asked for in a structured way (a slash command's options, a button, a
   * picker). The bot acts on it directly; `text` is only what the transcript shows.
   */
  readonly action?: ChatAction;
}

/** A structured request from a platform control: no sentence to parse, nothing to guess. */
export type ChatAction =
  | { readonly kind: 'recommend'; readonly topic?: string; readonly level?: 'beginner' | 'intermediate' | 'advanced'; readonly budget?: { readonly max: number; readonly currency: string } }
  | { readonly kind: 'coupon'; readonly near?: string }
  | { readonly kind: 'insurance'; readonly type?: string; readonly age?: number }
  | { readonly kind: 'points' }
  | { readonly kind: 'checkin' }
  | { readonly kind: 'mycodes' }
  | { readonly kind: 'help' }
  /** A card's claim button. */
  | { readonly kind: 'claim'; readonly itemId: string }
  /** A reward's redeem button. */
  | { readonly kind: 'redeem'; readonly rewardId: string }
  /** "Another one" / "Cheaper" buttons on a card. */
  | { readonly kind: 'refine'; readonly refine: 'another' | 'cheaper' };

export type CardKind = 'course' | 'coupon' | 'insurance';

export interface Card {
  readonly kind: CardKind;
  readonly id: string;
  readonly title: string;
  readonly price: number;
  readonly currency: string;
  readonly priceLabel: string;
  readonly level?: string;
  readonly link: string;
  readonly sponsored: boolean;
  /** Required disclosure text (always present for insurance). */
  readonly disclosure?: string;
  /** One line on why it was suggested. */
  readonly reason?: string;
  /** Catalog topics (courses), for adapters that offer "more on this topic" pickers. */
  readonly topics?: readonly string[];
  /** The card's labels in the conversation's language (bot/i18n), so no adapter or page keeps its own wording. */
  readonly labels?: CardLabels;
}

export interface CardLabels {
  readonly kind: string;
  readonly link: string;
  readonly sponsored: string;
  readonly free: string;
  /** The claim button (coupons). */
  readonly claim?: string;
}

/** Something the user can do next with one tap where the platform has buttons (Discord); others show the text. */
export interface ReplyAction {
  readonly kind: 'redeem';
  /** The reward's id, as `!redeem <id>` takes it. */
  readonly id: string;
  readonly label: string;
}

export interface Reply {
  readonly text: string;
  readonly cards: readonly Card[];
  readonly actions?: readonly ReplyAction[];
  /** The conversation's place in the agent queue changed: 'none' = no longer in line (pages clear their pinned status). */
  readonly queue?: { readonly state: 'none' };
}
