import type { Violation } from './types.js';

/** Typed violation listeners plus a polling `waitFor` for tests. */
export class ServerObservers {
  private readonly violationListeners = new Set<(v: Violation) => void>();

  /** Called for every recorded violation; returns the unsubscribe function. */
  onViolation(listener: (v: Violation) => void): () => void {
    this.violationListeners.add(listener);
    return () => this.violationListeners.delete(listener);
  }

  /**
   * Resolves with the predicate's first truthy result, checking now and then every 5 ms;
   * rejects after `timeoutMs` (with `label` in the message).
   */
  waitFor<T>(predicate: () => T, timeoutMs = 5_000, label = 'condition'): Promise<NonNullable<T>> {
    return new Promise((resolve, reject) => {
      const deadline = Date.now() + timeoutMs;
      const poll = (): void => {
        let value: T;
        try {
          value = predicate();
        } catch (err) {
          return reject(err);
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
}
