import { waitFor } from '../../local-servers/wait-for.js';
import type { Violation } from './types.js';

/** Typed violation listeners plus a polling `waitFor` for tests. */
export class ServerObservers {
  private readonly violationListeners = new Set<(v: Violation) => void>();

  /** Called for every recorded violation; returns the unsubscribe function. */
  onViolation(listener: (v: Violation) => void): () => void {
    this.violationListeners.add(listener);
    return () => this.violationListeners.delete(listener);
  }

  /** See adapters/local-servers/wait-for.ts. */
  waitFor<T>(predicate: () => T, timeoutMs = 5_000, label = 'condition'): Promise<NonNullable<T>> {
    return waitFor(predicate, timeoutMs, label);
  }

  protected emitViolation(v: Violation): void {
    for (const l of this.violationListeners) l(v);
  }
}
