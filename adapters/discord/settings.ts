import { MessageFlags, PermissionFlagsBits, type ChatInputCommandInteraction } from 'discord.js';
import { textPayload } from './render.js';

/** Where `/crossfeed` keeps a channel's settings (the ChannelStore in production). */
export interface DiscordChannelSettings {
  get(channelId: string): Promise<Record<string, unknown>>;
  put(channelId: string, settings: Record<string, unknown>): Promise<void>;
}

/**
 * `/crossfeed [questions:<bool>] [confidence:<0..1>] [promotions:<bool>]`: shows (no options) or changes a channel's settings,
 * for members with Manage Server (Discord hides the command from others; checked again here).
 * Answers are ephemeral.
 */
export async function channelSettings(
  i: ChatInputCommandInteraction,
  settings: DiscordChannelSettings | undefined,
  refuse: (text: string) => Promise<void>,
  acknowledged: (ack: () => Promise<unknown>) => Promise<boolean>,
): Promise<void> {
  if (!i.inGuild() || !i.channelId) return refuse('/crossfeed works in a server channel.');
  if (!i.memberPermissions.has(PermissionFlagsBits.ManageGuild)) return refuse('/crossfeed needs the Manage Server permission.');
  if (!settings) return refuse("Settings can't be changed on this bot.");
  const change: Record<string, unknown> = {};
  try {
    const questions = i.options.getBoolean('questions');
    if (questions !== null) change['answerUnaddressed'] = questions;
    const promotions = i.options.getBoolean('promotions');
    if (promotions !== null) change['promotions'] = promotions;
    const confidence = i.options.getNumber('confidence');
    if (confidence !== null) change['unaddressedMinConfidence'] = confidence;
  } catch (err) {
    return refuse(`That option isn't valid: ${err instanceof Error ? err.message : String(err)}`);
  }
  const v = change['unaddressedMinConfidence'];
  if (typeof v === 'number' && !(v >= 0 && v <= 1)) return refuse('The confidence is a number from 0 to 1.');
  if (!(await acknowledged(() => i.deferReply({ flags: MessageFlags.Ephemeral })))) return;
  const current = await settings.get(i.channelId);
  const next = { ...current, ...change };
  if (Object.keys(change).length) await settings.put(i.channelId, next);
  await i.editReply(textPayload(describeSettings(next, Object.keys(change).length > 0)));
}

function describeSettings(s: Record<string, unknown>, changed: boolean): string {
  const questions = s['answerUnaddressed'] === false ? 'off' : s['answerUnaddressed'] === true ? 'on' : 'default';
  const confidence = typeof s['unaddressedMinConfidence'] === 'number' ? String(s['unaddressedMinConfidence']) : 'default';
  const promotions = s['promotions'] === false ? 'off' : 'on';
  return `${changed ? 'Saved. ' : ''}This channel: answer unaddressed questions ${questions} (needs the Message Content intent), minimum confidence ${confidence}, sponsored suggestions ${promotions}.`;
}
