import { planLeases } from '../../bot/lease-plan.js';
import type { LeaseStore } from '../../data/leases.js';
import type { MemberRegistry } from '../../data/members.js';
import type { DiscordAdapter, DiscordStats } from './adapter.js';
import { describe } from './interactions.js';

export interface DiscordShardsOptions {
  /** Shards of the bot in all (Discord's `shard_count`); every instance must agree on it. */
  shardCount: number;
  /** This instance's name in leases. */
  instanceId: string;
  leases: LeaseStore;
  members: MemberRegistry;
  /** A client for exactly one shard (`shards: [shard]`, `shardCount`); not started yet. */
  adapter(shard: number): DiscordAdapter;
  /** A shard lease lives this long unless renewed; a dead holder's shards are taken over after it. */
  leaseTtlMs?: number;
  /**
   * How often leases are renewed and a free shard is looked for. One shard is taken per round,
   * so this is also the gap between two logins (Discord allows one IDENTIFY per 5 s per bucket).
   */
  renewEveryMs?: number;
  /**
   * Discord accepts one IDENTIFY per 5 s per bot (max_concurrency 1), counted over every
   * connection: instances take one login slot at a time through the shared lease store.
   */
  identifyGapMs?: number;
  log?: (line: string) => void;
}

export const DefaultDiscordShardTimings = Object.freeze({ leaseTtlMs: 15_000, renewEveryMs: 5_000, identifyGapMs: 5_100 });

/** The bot's login slot: held by one login (owner unique per login) for `identifyGapMs`, never renewed. */
export const IdentifyLeaseKey = 'discord:identify';

export const shardLeaseKey = (shard: number): string => `discord:shard:${shard}`;
/** The membership group of instances running Discord shards. */
export const ShardGroup = 'discord';

interface Running {
  readonly adapter: DiscordAdapter;
  /** Until when the lease is surely ours: its last successful renewal began then + TTL. */
  validUntil: number;
}

/**
 * Discord's shards spread over instances. Every round, each instance heartbeats into the group,
 * renews the leases of the shards it runs, gives back what is over its fair share and takes free
 * shards up to it (bot/lease-plan.ts). It runs one discord.js client per shard it holds, so taking
 * or giving back one shard never reconnects the others. A shard whose lease could not be renewed
 * (lost, or Redis unreachable until the lease would have expired) is disconnected, so that two
 * instances never run one shard. Discord routes a guild's messages and interactions to the
 * session of the guild's shard, so each guild is answered by exactly one instance.
 */
export class DiscordShards {
  private readonly running = new Map<number, Running>();
  private readonly retired: DiscordAdapter[] = [];
  private readonly t: { leaseTtlMs: number; renewEveryMs: number; identifyGapMs: number };
  private logins = 0;
  private readonly log: (line: string) => void;
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly o: DiscordShardsOptions) {
    this.t = { ...DefaultDiscordShardTimings, ...definedOnly(o) };
    if (this.t.renewEveryMs * 2 > this.t.leaseTtlMs) throw new Error('discord shards: renew at least twice per lease TTL');
    this.log = o.log ?? (() => undefined);
  }

  /** Joins the group and starts the rounds; returns once the first round ended (a first free shard, if any, connected). */
  async start(): Promise<void> {
    this.round = this.tick();
    await this.round;
    this.schedule();
  }

  /** Shards this instance runs now. */
  held(): number[] {
    return [...this.running.keys()].sort((a, b) => a - b);
  }

  adapters(): DiscordAdapter[] {
    return [...this.running.values()].map((r) => r.adapter);
  }

  /** Totals over every client this instance ran, including shards given back or lost; undefined when none ran. */
  stats(): DiscordStats | undefined {
    const all = [...this.retired, ...this.adapters()].map((a) => a.stats());
    return all.length ? all.reduce(addStats) : undefined;
  }

  /** Graceful shutdown: disconnects every shard, then gives its lease back at once, and leaves the group. */
  async stop(timeoutMs = 1_000): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    // A round may be in a login that takes long: its client is destroyed below all the same.
    await Promise.race([this.round.catch(() => undefined), new Promise((r) => setTimeout(r, timeoutMs).unref())]);
    await Promise.all(this.held().map((shard) => this.giveBack(shard, 'shutting down', timeoutMs)));
    await this.o.members.leave(ShardGroup, this.o.instanceId).catch(() => undefined);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.round = this.tick().catch((err: unknown) => this.log(`shard round failed: ${describe(err)}`)).finally(() => this.schedule());
    }, this.t.renewEveryMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    const { leases, members, instanceId: me, shardCount } = this.o;
    const ttl = this.t.leaseTtlMs;
    const began = Date.now();
    let live: string[];
    try {
      live = await members.heartbeat(ShardGroup, me, ttl);
      await Promise.all(this.held().map(async (shard) => {
        if (await leases.renew(shardLeaseKey(shard), me, ttl)) {
          const r = this.running.get(shard);
          if (r) r.validUntil = began + ttl;
        } else {
          await this.retire(shard, 'lease lost to another instance');
        }
      }));
    } catch (err) {
      // Unreachable: keep running what is surely still ours, disconnect what another may take now.
      const margin = this.t.renewEveryMs;
      for (const [shard, r] of this.running) {
        if (r.validUntil - margin <= Date.now()) await this.retire(shard, `cannot renew its lease (${describe(err)})`);
      }
      return;
    }
    const keys = Array.from({ length: shardCount }, (_, i) => shardLeaseKey(i));
    const holders = new Map(await Promise.all(keys.map(async (k) => [k, await leases.holder(k)] as const)));
    const plan = planLeases({ keys, members: live, me, holders });
    for (const key of plan.release) await this.giveBack(shardOf(key), `rebalancing over ${live.length} instances`);
    // One login per round: renewals are never held up for long, and logins stay a round apart.
    for (const key of plan.take) {
      if (this.stopped || this.running.size >= plan.share) break;
      // Another instance (or this one) logged in within the gap: try again next round.
      if (!(await leases.acquire(IdentifyLeaseKey, `${me}#${++this.logins}`, this.t.identifyGapMs))) break;
      if (!(await leases.acquire(key, me, ttl))) continue;
      await this.connect(shardOf(key), Date.now());
      break;
    }
  }

  /** Logs in to one shard whose lease was just taken; gives the lease back if the login fails. */
  private async connect(shard: number, leasedAt: number): Promise<void> {
    if (this.stopped) return void (await this.o.leases.release(shardLeaseKey(shard), this.o.instanceId).catch(() => undefined));
    const adapter = this.o.adapter(shard);
    this.running.set(shard, { adapter, validUntil: leasedAt + this.t.leaseTtlMs });
    // A login that hangs must not outlive the lease it was started under.
    const limitMs = this.t.leaseTtlMs - this.t.renewEveryMs;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        adapter.start(),
        new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`no READY within ${limitMs} ms`)), limitMs); }),
      ]).finally(() => clearTimeout(timer));
      this.log(`shard ${shard} of ${this.o.shardCount} connected here (${adapter.client.guilds.cache.size} servers)`);
      if (this.stopped) await this.giveBack(shard, 'shutting down');
    } catch (err) {
      this.log(`shard ${shard}: login failed: ${describe(err)}`);
      await this.giveBack(shard, 'login failed');
    }
  }

  /** Disconnects a shard, then releases its lease so that another instance can take it at once. */
  private async giveBack(shard: number, why: string, timeoutMs = 1_000): Promise<void> {
    await this.retire(shard, why, timeoutMs);
    await this.o.leases.release(shardLeaseKey(shard), this.o.instanceId).catch(() => undefined);
  }

  private async retire(shard: number, why: string, timeoutMs = 1_000): Promise<void> {
    const r = this.running.get(shard);
    if (!r) return;
    this.running.delete(shard);
    this.retired.push(r.adapter);
    this.log(`shard ${shard}: disconnecting (${why})`);
    await r.adapter.stop(timeoutMs).catch((err: unknown) => this.log(`shard ${shard}: close failed: ${describe(err)}`));
  }
}

function shardOf(key: string): number {
  return Number(key.slice(key.lastIndexOf(':') + 1));
}

function definedOnly(o: DiscordShardsOptions): Partial<typeof DefaultDiscordShardTimings> {
  return Object.fromEntries((['leaseTtlMs', 'renewEveryMs', 'identifyGapMs'] as const).filter((k) => o[k] !== undefined).map((k) => [k, o[k]]));
}

function addStats(a: DiscordStats, b: DiscordStats): DiscordStats {
  const sum = {} as Record<string, unknown>;
  for (const [k, v] of Object.entries(a)) {
    const w = (b as unknown as Record<string, unknown>)[k];
    sum[k] = typeof v === 'number' ? v + (typeof w === 'number' ? w : 0)
      : Object.fromEntries(Object.entries(v as Record<string, number>).map(([dk, dv]) => [dk, dv + ((w as Record<string, number>)[dk] ?? 0)]));
  }
  return sum as unknown as DiscordStats;
}
