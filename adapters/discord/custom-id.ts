/**
 * Component custom ids carry their own state, so a button still works after a restart: the
 * action, the user whose question the card answered, and the item for a claim. The dialogue
 * state itself lives in the database, keyed by platform + channel + user.
 */
export type CardAction =
  | { readonly kind: 'another'; readonly ownerId: string }
  | { readonly kind: 'cheaper'; readonly ownerId: string }
  | { readonly kind: 'claim'; readonly itemId: string }
  /** A reward to redeem with points (from /points): like a claim, private and idempotent per click target. */
  | { readonly kind: 'redeem'; readonly rewardId: string }
  /** The topic select menu: the chosen topic arrives as the select's value. */
  | { readonly kind: 'topic'; readonly ownerId: string };

/** Discord's limit on a component's custom_id. */
export const MaxCustomIdChars = 100;

const Prefix = 'cf';

export function encodeCardAction(a: CardAction): string | undefined {
  const id = a.kind === 'claim' ? `${Prefix}:claim:${a.itemId}` : a.kind === 'redeem' ? `${Prefix}:redeem:${a.rewardId}` : `${Prefix}:${a.kind}:${a.ownerId}`;
  // An id too long for Discord gets no button rather than a request Discord refuses.
  return id.length <= MaxCustomIdChars ? id : undefined;
}

/** Reads an id this adapter made; anything else (another bot's, a stale format) is undefined. */
export function decodeCardAction(customId: string): CardAction | undefined {
  const [prefix, kind, arg, ...rest] = customId.split(':');
  if (prefix !== Prefix || !arg || rest.length > 0) return undefined;
  if ((kind === 'another' || kind === 'cheaper' || kind === 'topic') && /^\d{1,20}$/.test(arg)) return { kind, ownerId: arg };
  if (kind === 'claim' && /^[\w.-]{1,80}$/.test(arg)) return { kind, itemId: arg };
  if (kind === 'redeem' && /^[\w.-]{1,40}$/.test(arg)) return { kind, rewardId: arg };
  return undefined;
}
