import type { InteractionRecord } from './interactions.js';
import type { BotMessage, JsonObject } from './types.js';
import { botMessagePayload } from './messages.js';
import type { ChannelRecord, UserRecord, World } from './world.js';

/** The `data` of an INTERACTION_CREATE: a chat-input command or a component use. */
export type InteractionData =
  | { readonly kind: 2; readonly commandId: string; readonly name: string; readonly options: readonly JsonObject[]; readonly resolvedUsers: readonly UserRecord[] }
  | { readonly kind: 3; readonly customId: string; readonly componentType: number; readonly values?: readonly string[]; readonly message: BotMessage };

/** INTERACTION_CREATE's `d`, as Discord sends it for a guild channel or a DM. */
export function interactionPayload(
  world: World, appId: string, rec: InteractionRecord, channel: ChannelRecord, user: UserRecord, data: InteractionData,
): Record<string, unknown> {
  const guild = rec.guildId === undefined ? undefined : world.guilds.get(rec.guildId);
  const member = guild ? world.member(guild, user) : undefined;
  const botMember = guild?.members.get(world.bot.id);
  const wireData = data.kind === 2
    ? {
      id: data.commandId, name: data.name, type: 1, options: data.options,
      ...(guild ? { guild_id: guild.id } : {}),
      ...(data.resolvedUsers.length > 0 ? { resolved: { users: Object.fromEntries(data.resolvedUsers.map((u) => [u.id, world.userPayload(u)])) } } : {}),
    }
    : { custom_id: data.customId, component_type: data.componentType, ...(data.values ? { values: data.values } : {}) };
  return {
    id: rec.id, application_id: appId, type: rec.kind, token: rec.token, version: 1, data: wireData,
    channel_id: channel.id, channel: world.channelPayload(channel),
    ...(guild && member
      ? { guild_id: guild.id, guild: { id: guild.id, locale: 'en-US', features: [] }, guild_locale: 'en-US', member: world.memberPayload(member, true, true) }
      : { user: world.userPayload(user) }),
    ...(data.kind === 3 ? { message: botMessagePayload(world, data.message, appId) } : {}),
    app_permissions: (botMember?.permissions ?? 0n).toString(), locale: 'en-US', entitlements: [],
    authorizing_integration_owners: guild ? { 0: guild.id } : { 1: user.id }, context: guild ? 0 : 1,
    attachment_size_limit: 10 * 1024 * 1024,
  };
}

/** A component on a bot message, found by custom_id: buttons (type 2) and selects (3, 5-8). */
export function findComponent(m: BotMessage, customId: string): JsonObject | undefined {
  for (const row of m.components) {
    const children = Array.isArray(row.components) ? (row.components as JsonObject[]) : [];
    const hit = children.find((c) => c.custom_id === customId);
    if (hit) return hit;
  }
  return undefined;
}
