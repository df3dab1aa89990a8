import type { SnowflakeSource } from './ids.js';
import type { JsonObject } from './types.js';

/** `global` or a guild id. */
export type CommandScope = string;
export const GlobalScope = 'global';

/**
 * Registered application commands per scope. A bulk overwrite keeps the id of a command whose
 * name and type survive, as Discord does, and bumps its version.
 */
export class CommandRegistry {
  /** Bulk overwrites (PUT), creations and replacements (POST) and deletions so far: how often the bot wrote its commands. */
  writes = 0;
  private readonly scopes = new Map<CommandScope, JsonObject[]>();

  constructor(private readonly ids: SnowflakeSource, private readonly appId: string) {}

  list(scope: CommandScope): JsonObject[] {
    return this.scopes.get(scope) ?? [];
  }

  overwrite(scope: CommandScope, commands: readonly JsonObject[]): JsonObject[] {
    this.writes++;
    const old = this.list(scope);
    const stored = commands.map((c) => this.stored(scope, c, old));
    this.scopes.set(scope, stored);
    return stored;
  }

  /** POST: creates or replaces (by name and type) one command. */
  upsert(scope: CommandScope, command: JsonObject): { readonly created: boolean; readonly command: JsonObject } {
    this.writes++;
    const old = this.list(scope);
    const same = (c: JsonObject): boolean => c.name === command.name && (c.type ?? 1) === (command.type ?? 1);
    const created = !old.some(same);
    const stored = this.stored(scope, command, old);
    this.scopes.set(scope, [...old.filter((c) => !same(c)), stored]);
    return { created, command: stored };
  }

  remove(scope: CommandScope, id: string): boolean {
    this.writes++;
    const old = this.list(scope);
    const kept = old.filter((c) => c.id !== id);
    this.scopes.set(scope, kept);
    return kept.length !== old.length;
  }

  /** The command a guild member would see: the guild's own first, then the global one. */
  find(guildId: string | undefined, name: string): JsonObject | undefined {
    const chat = (c: JsonObject): boolean => c.name === name && (c.type ?? 1) === 1;
    return (guildId === undefined ? undefined : this.list(guildId).find(chat)) ?? this.list(GlobalScope).find(chat);
  }

  private stored(scope: CommandScope, c: JsonObject, old: readonly JsonObject[]): JsonObject {
    const prev = old.find((o) => o.name === c.name && (o.type ?? 1) === (c.type ?? 1));
    return {
      type: 1, default_member_permissions: null, nsfw: false, options: [], ...c,
      id: prev?.id ?? this.ids.next(), application_id: this.appId, version: this.ids.next(),
      ...(scope === GlobalScope ? {} : { guild_id: scope }),
    };
  }
}
