/**
 * A minimal middleware chain: each stage gets the context and `next`. A stage that does not
 * call `next` ends the message's journey (the gate does that for chat noise).
 */
export type Middleware<C> = (ctx: C, next: () => Promise<void>) => Promise<void>;

export function compose<C>(stages: readonly Middleware<C>[]): (ctx: C) => Promise<void> {
  return (ctx) => {
    const run = async (i: number): Promise<void> => {
      const stage = stages[i];
      if (!stage) return;
      let called = false;
      await stage(ctx, async () => {
        if (called) throw new Error(`stage ${i} called next() twice`);
        called = true;
        await run(i + 1);
      });
    };
    return run(0);
  };
}
