import { userIdFor, type SnowflakeSource } from './ids.js';
import type { ChannelType, DiscordUserSpec, GuildSpec } from './types.js';

/** Permission bits a fresh @everyone role has here: view, send, history, embeds, files, reactions, commands. */
export const EveryonePermissions = (1n << 10n) | (1n << 11n) | (1n << 16n) | (1n << 14n) | (1n << 15n) | (1n << 6n) | (1n << 31n);
/** Every permission bit Discord defines today: what an owner has. */
export const AllPermissions = (1n << 51n) - 1n;

export interface UserRecord {
  readonly id: string;
  readonly username: string;
  readonly globalName: string | null;
  readonly bot: boolean;
}

export interface MemberRecord {
  readonly userId: string;
  readonly roles: readonly string[];
  readonly permissions: bigint;
  readonly joinedAt: string;
}

export interface ChannelRecord {
  readonly id: string;
  readonly type: ChannelType;
  readonly name: string | null;
  readonly guildId?: string;
  /** For DMs: the other user. */
  readonly recipientId?: string;
  readonly position: number;
  deleted: boolean;
}

export interface GuildRecord {
  readonly id: string;
  readonly name: string;
  readonly ownerId: string;
  readonly channelIds: string[];
  readonly members: Map<string, MemberRecord>;
  readonly joinedAt: string;
}

/** The guilds, channels and users the server knows, and their wire shapes. */
export class World {
  readonly guilds = new Map<string, GuildRecord>();
  readonly channels = new Map<string, ChannelRecord>();
  readonly users = new Map<string, UserRecord>();

  constructor(private readonly ids: SnowflakeSource, readonly bot: UserRecord) {
    this.users.set(bot.id, bot);
  }

  /** Registers (or finds) a user; the same username always yields the same id. */
  user(spec: DiscordUserSpec): UserRecord {
    const id = spec.id ?? userIdFor(spec.username);
    const known = this.users.get(id);
    if (known) return known;
    const user: UserRecord = { id, username: spec.username, globalName: spec.globalName ?? null, bot: spec.bot ?? false };
    this.users.set(id, user);
    return user;
  }

  addGuild(spec: GuildSpec): GuildRecord {
    const id = spec.id ?? this.ids.next();
    if (this.guilds.has(id)) throw new Error(`guild ${id} already exists`);
    const joinedAt = new Date().toISOString();
    const owner = spec.ownerId ?? this.user({ username: 'owner' }).id;
    const guild: GuildRecord = { id, name: spec.name, ownerId: owner, channelIds: [], members: new Map(), joinedAt };
    const join = (user: UserRecord, s?: DiscordUserSpec): void => {
      const permissions = user.id === owner ? AllPermissions : BigInt(s?.permissions ?? EveryonePermissions);
      guild.members.set(user.id, { userId: user.id, roles: s?.roles ?? [], permissions, joinedAt });
    };
    join(this.bot);
    if (!this.users.has(owner)) this.users.set(owner, { id: owner, username: 'owner', globalName: null, bot: false });
    join(this.users.get(owner) as UserRecord);
    for (const m of spec.members ?? []) join(this.user(m), m);
    spec.channels.forEach((c, position) => {
      const channel: ChannelRecord = { id: c.id ?? this.ids.next(), type: c.type ?? 0, name: c.name, guildId: id, position, deleted: false };
      this.channels.set(channel.id, channel);
      guild.channelIds.push(channel.id);
    });
    this.guilds.set(id, guild);
    return guild;
  }

  /** The DM channel between the bot and a user, created on first use as Discord does. */
  dmWith(userId: string): ChannelRecord {
    for (const c of this.channels.values()) if (c.type === 1 && c.recipientId === userId && !c.deleted) return c;
    const channel: ChannelRecord = { id: this.ids.next(), type: 1, name: null, recipientId: userId, position: 0, deleted: false };
    this.channels.set(channel.id, channel);
    return channel;
  }

  /** A live (not deleted) channel. */
  channel(id: string): ChannelRecord | undefined {
    const c = this.channels.get(id);
    return c && !c.deleted ? c : undefined;
  }

  /** A guild member, joining the user to the guild with default permissions if needed. */
  member(guild: GuildRecord, user: UserRecord, spec?: DiscordUserSpec): MemberRecord {
    let m = guild.members.get(user.id);
    if (!m) {
      const permissions = user.id === guild.ownerId ? AllPermissions : BigInt(spec?.permissions ?? EveryonePermissions);
      m = { userId: user.id, roles: spec?.roles ?? [], permissions, joinedAt: new Date().toISOString() };
      guild.members.set(user.id, m);
    }
    return m;
  }

  // --- wire shapes ---------------------------------------------------------------------------

  userPayload(u: UserRecord): Record<string, unknown> {
    return {
      id: u.id, username: u.username, discriminator: '0', global_name: u.globalName, avatar: null, public_flags: 0,
      ...(u.bot ? { bot: true } : {}),
    };
  }

  /** A member object; `withUser` for GUILD_CREATE and interactions, without for MESSAGE_CREATE. */
  memberPayload(m: MemberRecord, withUser: boolean, withPermissions = false): Record<string, unknown> {
    const user = this.users.get(m.userId);
    return {
      ...(withUser && user ? { user: this.userPayload(user) } : {}),
      nick: null, avatar: null, roles: m.roles, joined_at: m.joinedAt, premium_since: null,
      deaf: false, mute: false, flags: 0, pending: false,
      ...(withPermissions ? { permissions: m.permissions.toString() } : {}),
    };
  }

  channelPayload(c: ChannelRecord): Record<string, unknown> {
    if (c.type === 1) {
      const r = c.recipientId === undefined ? undefined : this.users.get(c.recipientId);
      return { id: c.id, type: 1, last_message_id: null, flags: 0, recipients: r ? [this.userPayload(r)] : [] };
    }
    return {
      id: c.id, type: c.type, guild_id: c.guildId, name: c.name, position: c.position, permission_overwrites: [],
      topic: null, nsfw: false, last_message_id: null, rate_limit_per_user: 0, parent_id: null, flags: 0,
    };
  }

  guildCreatePayload(g: GuildRecord): Record<string, unknown> {
    const channels = g.channelIds.map((id) => this.channels.get(id)).filter((c): c is ChannelRecord => !!c && !c.deleted);
    return {
      id: g.id, name: g.name, icon: null, splash: null, discovery_splash: null, banner: null, description: null,
      owner_id: g.ownerId, afk_channel_id: null, afk_timeout: 300, verification_level: 0, default_message_notifications: 0,
      explicit_content_filter: 0, mfa_level: 0, nsfw_level: 0, premium_tier: 0, premium_subscription_count: 0,
      premium_progress_bar_enabled: false, application_id: null, vanity_url_code: null, preferred_locale: 'en-US',
      system_channel_id: channels.find((c) => c.type === 0)?.id ?? null, system_channel_flags: 0, rules_channel_id: null,
      public_updates_channel_id: null, safety_alerts_channel_id: null, max_members: 500_000, max_video_channel_users: 25,
      features: [], emojis: [], stickers: [], soundboard_sounds: [],
      roles: [{
        id: g.id, name: '@everyone', color: 0, colors: { primary_color: 0, secondary_color: null, tertiary_color: null }, hoist: false,
        icon: null, unicode_emoji: null, position: 0, permissions: EveryonePermissions.toString(), managed: false, mentionable: false, flags: 0,
      }],
      joined_at: g.joinedAt, large: false, unavailable: false, member_count: g.members.size,
      members: [...g.members.values()].map((m) => this.memberPayload(m, true)),
      channels: channels.map((c) => this.channelPayload(c)),
      threads: [], presences: [], voice_states: [], stage_instances: [], guild_scheduled_events: [],
    };
  }
}
