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

  /**
   * Resolves with the predicate's first truthy result, checking now and then every few
   * milliseconds; rejects after `timeoutMs` (with `label` in the message).
   */
  waitFor<T>(predicate: () => T, timeoutMs = 5_000, label = 'condition'): Promise<NonNullable<T>> {
    return new Promise((resolve, reject) => {
      const deadline = Date.now() + timeoutMs;
      const poll = (): void => {
        let value: T;
        try {
          value = predicate();
        } catch (err) {
          reject(err);
          return;
        }
        if (value) resolve(value as NonNullable<T>);
        else if (Date.now() >= deadline) reject(new Error(`waitFor: ${label} not met within ${timeoutMs} ms`));
        else setTimeout(poll, 5);
      };
      poll();
    });
  }

  protected emitViolation(v: Violation): void {
    for (const l of this.violationListeners) l(v);
  }

  protected emitSent(m: SentMessage): void {
    for (const l of this.sentListeners) l(m);
  }
}
