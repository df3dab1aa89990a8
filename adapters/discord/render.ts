import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIButtonComponent, type APIComponentInMessageActionRow, type APIEmbed, type APIStringSelectComponent } from 'discord.js';
import type { Card, Reply } from '../../bot/message.js';
import { encodeCardAction } from './custom-id.js';

/** Discord's size limits for what this adapter sends. */
export const DiscordMessageLimits = {
  content: 2_000, embeds: 10, embedTotal: 6_000, title: 256, description: 4_096, footer: 2_048, fieldValue: 1_024,
  buttonsPerRow: 5, rows: 5, label: 80, selectOptions: 25,
} as const;

/** Offered in the topic picker after the shown courses' own topics. */
const POPULAR_TOPICS = ['python', 'javascript', 'web development', 'data science', 'machine learning', 'game development', 'streaming', 'video editing', 'esports', 'sql'];

/** A message body as discord.js sends it (channel message, reply, or interaction edit). */
export interface DiscordPayload {
  content: string;
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIComponentInMessageActionRow>[];
  /** Never ping anyone because of text a user wrote or a title in the catalog. */
  allowedMentions: { parse: []; repliedUser: boolean };
}

const Colors = { course: 0x5865f2, coupon: 0x57f287, insurance: 0xfee75c, sponsored: 0xeb459e } as const;

/**
 * A reply as a Discord message: the text, one embed per card (sponsored ones say so in the author
 * line and the footer, insurance always carries its disclosure), and buttons: "Another" and
 * "Cheaper" for the person who asked, "Claim coupon" for coupon cards, a link per card.
 */
export function renderForDiscord(reply: Reply, o: { ownerId: string; mention?: string }): DiscordPayload {
  const cards = reply.cards.slice(0, DiscordMessageLimits.embeds);
  const text = [o.mention ? `<@${o.mention}>` : '', reply.text.trim()].filter(Boolean).join(' ');
  const content = truncate(text || (cards.length ? '\u200b' : '…'), DiscordMessageLimits.content);
  const embeds = fitTotal(cards.map(cardEmbed));
  const components: APIActionRowComponent<APIComponentInMessageActionRow>[] = [];
  if (cards.length) {
    const refine = [
      button('Another', encodeCardAction({ kind: 'another', ownerId: o.ownerId }), ButtonStyle.Primary),
      button('Cheaper', encodeCardAction({ kind: 'cheaper', ownerId: o.ownerId }), ButtonStyle.Secondary),
    ];
    const claims = cards.filter((c) => c.kind === 'coupon')
      .map((c) => button(cards.length > 1 ? `Claim: ${c.title}` : 'Claim coupon', encodeCardAction({ kind: 'claim', itemId: c.id }), ButtonStyle.Success));
    const links = cards.filter((c) => /^https?:\/\//.test(c.link))
      .map((c): APIButtonComponent => ({ type: ComponentType.Button, style: ButtonStyle.Link, label: truncate(cards.length > 1 ? `Open: ${c.title}` : 'Open', DiscordMessageLimits.label), url: c.link }));
    for (const group of [refine, claims, links]) {
      const present = group.filter((b): b is APIButtonComponent => b !== undefined);
      for (let i = 0; i < present.length && components.length < DiscordMessageLimits.rows; i += DiscordMessageLimits.buttonsPerRow) {
        components.push({ type: ComponentType.ActionRow, components: present.slice(i, i + DiscordMessageLimits.buttonsPerRow) });
      }
    }
  }
  const actions = (reply.actions ?? []).map((a) => button(truncate(a.label, DiscordMessageLimits.label), encodeCardAction({ kind: 'redeem', rewardId: a.id }), ButtonStyle.Success))
    .filter((b): b is APIButtonComponent => b !== undefined).slice(0, DiscordMessageLimits.buttonsPerRow);
  if (actions.length && components.length < DiscordMessageLimits.rows) components.push({ type: ComponentType.ActionRow, components: actions });
  const picker = topicPicker(cards, o.ownerId);
  if (picker && components.length < DiscordMessageLimits.rows) components.push({ type: ComponentType.ActionRow, components: [picker] });
  return { content, embeds, components, allowedMentions: { parse: [], repliedUser: o.mention !== undefined } };
}

/** "More on a topic": the shown courses' topics, then popular ones; picking one asks for such a course. */
function topicPicker(cards: readonly Card[], ownerId: string): APIStringSelectComponent | undefined {
  const courses = cards.filter((c) => c.kind === 'course');
  const customId = encodeCardAction({ kind: 'topic', ownerId });
  if (!courses.length || !customId) return undefined;
  const topics = [...new Set([...courses.flatMap((c) => c.topics ?? []), ...POPULAR_TOPICS])].slice(0, DiscordMessageLimits.selectOptions);
  return {
    type: ComponentType.StringSelect, custom_id: customId, placeholder: 'More on a topic…', min_values: 1, max_values: 1,
    options: topics.map((t) => ({ label: truncate(t, 100), value: truncate(t, 100) })),
  };
}

/** A plain text answer (errors, settings) in the same shape. */
export function textPayload(text: string): DiscordPayload {
  return { content: truncate(text, DiscordMessageLimits.content), embeds: [], components: [], allowedMentions: { parse: [], repliedUser: false } };
}

function cardEmbed(card: Card): APIEmbed {
  const fields = [{ name: 'Price', value: truncate(card.priceLabel, DiscordMessageLimits.fieldValue), inline: true }];
  if (card.level) fields.push({ name: 'Level', value: card.level, inline: true });
  const footer = card.sponsored ? `Sponsored${card.disclosure ? ` · ${card.disclosure}` : ''}` : card.disclosure;
  return {
    title: truncate(card.title, DiscordMessageLimits.title),
    ...(/^https?:\/\//.test(card.link) ? { url: card.link } : {}),
    ...(card.reason ? { description: truncate(card.reason, 1_000) } : {}),
    ...(card.sponsored ? { author: { name: card.kind === 'insurance' ? 'Sponsored · insurance' : 'Sponsored' } } : {}),
    color: card.sponsored ? Colors.sponsored : Colors[card.kind],
    fields,
    ...(footer ? { footer: { text: truncate(footer, 1_000) } } : {}),
  };
}

/** Keeps the embeds within Discord's 6,000 characters together by shortening descriptions last-first. */
function fitTotal(embeds: APIEmbed[]): APIEmbed[] {
  const size = (e: APIEmbed): number => [e.title, e.description, e.footer?.text, e.author?.name, ...(e.fields ?? []).flatMap((f) => [f.name, f.value])]
    .reduce((n, s) => n + [...(s ?? '')].length, 0);
  let total = embeds.reduce((n, e) => n + size(e), 0);
  for (let i = embeds.length - 1; i >= 0 && total > DiscordMessageLimits.embedTotal; i--) {
    const e = embeds[i] as APIEmbed;
    const before = size(e);
    delete e.description;
    total -= before - size(e);
  }
  while (total > DiscordMessageLimits.embedTotal && embeds.length > 1) total -= size(embeds.pop() as APIEmbed);
  return embeds;
}

function button(label: string, customId: string | undefined, style: ButtonStyle.Primary | ButtonStyle.Secondary | ButtonStyle.Success): APIButtonComponent | undefined {
  return customId === undefined ? undefined : { type: ComponentType.Button, style, label: truncate(label, DiscordMessageLimits.label), custom_id: customId };
}

/** Cuts to `max` characters (code points), ending with an ellipsis when cut. */
export function truncate(s: string, max: number): string {
  const chars = [...s];
  return chars.length <= max ? s : `${chars.slice(0, max - 1).join('')}…`;
}
