import type { Card, Reply } from '../../bot/message.js';

/**
 * A reply as Twitch chat lines: no rich cards, so each card becomes one compact line with its
 * link, and anything sponsored says so in the same line it appears in.
 */
export function renderForChat(reply: Reply, mention: string | undefined): string {
  const lines = [reply.text.trim(), ...reply.cards.map(cardLine)].filter((l) => l.length > 0);
  const text = lines.join(' | ');
  return mention ? `@${mention} ${text}` : text;
}

function cardLine(card: Card): string {
  const parts = [card.sponsored ? '[Sponsored]' : '', card.title, card.priceLabel, card.level ?? '', card.link].filter(Boolean);
  // Insurance always carries its disclosure, even in one line of chat.
  const disclosure = card.kind === 'insurance' && card.disclosure ? ` (${card.disclosure})` : '';
  return parts.join(' · ') + disclosure;
}
