import { waitFor } from '../../local-servers/wait-for.js';
import type { SentMessage, Violation } from './types.js';

type Listener<T> = (value: T) => void;

/** Typed listeners for what the server records, plus a polling `waitFor` for tests. */
export class ServerObservers {
  private readonly violationListeners = new Set<Listener<Violation>>();
  private readonly sentListeners = new Set<Listener<SentMessage>>();

  /** Called for every recorded violation; returns the unsubscribe function. */
  onViolation(listener: Listener<Violation>): () => void {
    this.violationListeners.add(listener);
    return () => this.violationListeners.delete(listener);
  }

  /** Called for every accepted bot message; returns the unsubscribe function. */
  onSent(listener: Listener<SentMessage>): () => void {
    this.sentListeners.add(listener);
    return () => this.sentListeners.delete(listener);
  }

  /** See adapters/local-servers/wait-for.ts. */
  waitFor<T>(predicate: () => T, timeoutMs = 5_000, label = 'condition'): Promise<NonNullable<T>> {
    return waitFor(predicate, timeoutMs, label);
  }

  protected emitViolation(v: Violation): void {
    for (const l of this.violationListeners) l(v);
  }

  protected emitSent(m: SentMessage): void {
    for (const l of this.sentListeners) l(m);
  }
}
