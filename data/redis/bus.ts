import type { Redis } from 'ioredis';
import { LocalBus, type Bus, type BusHandler } from '../bus.js';

export interface RedisBusOptions {
  /** This instance's name (cluster id): its own messages coming back from Redis are skipped. */
  instanceId: string;
  /** Channel prefix; tests give each bus family their own. */
  prefix?: string;
  /** One line when publishing starts failing (once per outage) and one when it works again. */
  log?: (line: string) => void;
  onHandlerError?: (err: unknown, topic: string) => void;
}

interface Envelope { from: string; payload: unknown }

/**
 * The bus over Redis pub/sub. Every topic is a channel `<prefix><topic>`; one pattern subscription
 * on a connection of its own (a subscribed connection can run nothing else) receives them all.
 * Exactly once per instance: a publish runs this instance's handlers at once and sends the message
 * tagged with the instance id; the copy Redis hands back to its own sender is skipped. So the local
 * handlers still run while Redis is away, and other instances miss what was published meanwhile
 * (pub/sub keeps nothing): what the bus carries is a nudge, and each receiver can catch up by
 * polling the database (the console's poll, the catalog and FAQ version checks).
 */
export class RedisBus implements Bus {
  private readonly local: LocalBus;
  private readonly prefix: string;
  private failing = false;
  private closed = false;

  private constructor(private readonly redis: Redis, private readonly sub: Redis, private readonly o: RedisBusOptions) {
    this.prefix = o.prefix ?? 'crossfeed:bus:';
    this.local = new LocalBus(o.onHandlerError);
  }

  /** Opens the subscriber connection (a duplicate of `redis`) and subscribes before resolving. */
  static async open(redis: Redis, o: RedisBusOptions): Promise<RedisBus> {
    const sub = redis.duplicate();
    sub.on('error', () => undefined); // reconnects on its own (and re-subscribes); see connectRedis
    const bus = new RedisBus(redis, sub, o);
    sub.on('pmessage', (_pattern: string, channel: string, message: string) => bus.received(channel, message));
    try {
      if (sub.status === 'wait') await sub.connect();
      await sub.psubscribe(`${bus.prefix}*`);
    } catch (err) {
      sub.disconnect();
      throw err;
    }
    return bus;
  }

  async publish(topic: string, payload: unknown): Promise<void> {
    const json = JSON.stringify(payload ?? null);
    this.local.deliver(topic, json);
    if (this.closed) return;
    const envelope = `{"from":${JSON.stringify(this.o.instanceId)},"payload":${json}}`;
    try {
      // While the connection is down a publish fails at once instead of waiting in the offline queue.
      if (this.redis.status !== 'ready') throw new Error(`connection ${this.redis.status}`);
      await this.redis.publish(this.prefix + topic, envelope);
      if (this.failing) {
        this.failing = false;
        this.o.log?.('bus: Redis answers again; events reach the other instances');
      }
    } catch (err) {
      if (!this.failing) {
        this.failing = true;
        this.o.log?.(`bus: cannot publish to Redis (${err instanceof Error ? err.message : String(err)}); events reach this instance only until it is back`);
      }
    }
  }

  subscribe(topic: string, handler: BusHandler): () => void {
    return this.local.subscribe(topic, handler);
  }

  /** Unsubscribes and closes the subscriber connection; the shared one belongs to the caller. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.local.close();
    await this.sub.quit().catch(() => this.sub.disconnect());
  }

  private received(channel: string, message: string): void {
    if (!channel.startsWith(this.prefix)) return;
    let envelope: Envelope;
    try {
      envelope = JSON.parse(message) as Envelope;
    } catch {
      return; // not ours
    }
    if (envelope.from === this.o.instanceId) return;
    this.local.deliver(channel.slice(this.prefix.length), JSON.stringify(envelope.payload ?? null));
  }
}
