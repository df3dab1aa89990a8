/**
 * An event bus: what one instance tells every instance (itself included). Payloads are JSON; a
 * handler gets its own copy, as it would arriving from another instance. Publishing never throws
 * and never waits for the others: a publish that cannot reach them is reported, and the local
 * handlers have their copy anyway. Redis implements it for several instances (data/redis/bus.ts);
 * one instance alone uses the local one below.
 */
export type BusHandler = (payload: unknown) => void;

export interface Bus {
  /**
   * Delivers `payload` once to every handler of `topic` on every instance. This instance's handlers
   * run synchronously, before publish returns; the promise settles once the others were told (or
   * could not be) and never rejects.
   */
  publish(topic: string, payload: unknown): Promise<void>;
  /** Returns the unsubscribe function. */
  subscribe(topic: string, handler: BusHandler): () => void;
  close(): Promise<void>;
}

/** One process: handlers of this instance only; a throwing handler is reported and the others still run. */
export class LocalBus implements Bus {
  private readonly handlers = new Map<string, Set<BusHandler>>();

  constructor(private readonly onError: (err: unknown, topic: string) => void = () => undefined) {}

  async publish(topic: string, payload: unknown): Promise<void> {
    this.deliver(topic, JSON.stringify(payload ?? null));
  }

  subscribe(topic: string, handler: BusHandler): () => void {
    let set = this.handlers.get(topic);
    if (!set) this.handlers.set(topic, (set = new Set()));
    set.add(handler);
    return () => {
      set.delete(handler);
      if (set.size === 0 && this.handlers.get(topic) === set) this.handlers.delete(topic);
    };
  }

  /** Runs the handlers of `topic` on a JSON text, each with its own parsed copy. */
  deliver(topic: string, json: string): void {
    const set = this.handlers.get(topic);
    if (!set) return;
    for (const handler of [...set]) {
      try {
        handler(JSON.parse(json));
      } catch (err) {
        this.onError(err, topic);
      }
    }
  }

  async close(): Promise<void> {
    this.handlers.clear();
  }
}
