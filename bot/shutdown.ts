/**
 * Orderly shutdown with a hard deadline. Each step gets a time budget; a step that overruns it
 * (a platform that never answers its close) is abandoned and logged, and the next step runs. The
 * whole sequence ends by `deadlineMs` whatever happens, so `crossfeed start` always exits.
 */

export interface ShutdownStep {
  name: string;
  /** At most this long; then the step is abandoned (its promise keeps running, unobserved). */
  budgetMs: number;
  run: () => Promise<unknown>;
}

export interface StepOutcome {
  name: string;
  outcome: 'done' | 'failed' | 'abandoned' | 'skipped';
  ms: number;
}

export interface ShutdownClock {
  now(): number;
  /** Resolves after `ms`; must not keep the process alive on its own. */
  sleep(ms: number): Promise<void>;
}

export const realClock: ShutdownClock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms).unref()),
};

/** Runs the steps in order, each within its budget and all within `deadlineMs` of starting. */
export async function runShutdown(
  steps: readonly ShutdownStep[], o: { deadlineMs: number; log: (line: string) => void; clock?: ShutdownClock },
): Promise<StepOutcome[]> {
  const clock = o.clock ?? realClock;
  const start = clock.now();
  const outcomes: StepOutcome[] = [];
  for (const step of steps) {
    const left = o.deadlineMs - (clock.now() - start);
    const t0 = clock.now();
    if (left <= 0) {
      o.log(`shutdown: skipped ${step.name} (out of time)`);
      outcomes.push({ name: step.name, outcome: 'skipped', ms: 0 });
      continue;
    }
    const budget = Math.min(step.budgetMs, left);
    let outcome: StepOutcome['outcome'];
    try {
      const running = step.run().then(() => true);
      running.catch(() => undefined); // an abandoned step that fails later must not crash the exit
      const done = await Promise.race([running, clock.sleep(budget).then(() => false)]);
      outcome = done ? 'done' : 'abandoned';
    } catch (err) {
      o.log(`shutdown: ${step.name} failed: ${err instanceof Error ? err.message : String(err)}`);
      outcome = 'failed';
    }
    if (outcome === 'abandoned') o.log(`shutdown: ${step.name} did not finish within ${Math.round(budget)} ms; abandoned`);
    outcomes.push({ name: step.name, outcome, ms: clock.now() - t0 });
  }
  return outcomes;
}
