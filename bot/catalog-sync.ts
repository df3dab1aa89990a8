import type { CatalogItem } from '../data/catalog/types.js';
import type { CatalogStore } from '../data/store.js';

export interface CatalogSyncOptions {
  /** Check `catalog.version()` this often (edits made by any process take effect within this time). */
  refreshMs: number;
  /** The version the items the bot started with were read at (read it before listing them). */
  loadedVersion: number;
  /** A failed check (the next one tries again). */
  onError?: (err: unknown) => void;
}

/**
 * Keeps a running bot's catalog in step with the database it shares with other processes: the
 * catalog's version (a trigger bumps it on every item change, data/sqlite/migrations.ts) is polled,
 * as the FAQ's is (bot/faq-index.ts), and the items are re-read and handed to `apply` when it moves.
 */
export class CatalogSync {
  private version: number;
  private pending: Promise<boolean> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly store: CatalogStore, private readonly apply: (items: readonly CatalogItem[]) => void, private readonly o: CatalogSyncOptions) {
    this.version = o.loadedVersion;
  }

  /** Reloads when the version moved since the last load; true when it did. Concurrent callers share one check. */
  check(): Promise<boolean> {
    this.pending ??= this.refresh().finally(() => (this.pending = undefined));
    return this.pending;
  }

  start(): void {
    this.timer ??= setInterval(() => void this.check().catch((err: unknown) => this.o.onError?.(err)), this.o.refreshMs);
    this.timer.unref();
  }

  /** Stops polling; resolves once a check under way is over (the database may then be closed). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.pending?.catch(() => undefined);
  }

  private async refresh(): Promise<boolean> {
    const version = await this.store.version();
    if (version === this.version) return false;
    // Read the version before the items: an edit in between leaves the newer version for the next check.
    const items = await this.store.list();
    this.apply(items);
    this.version = version;
    return true;
  }
}
