/**
 * Resolves with the predicate's first truthy result, checking now and then every 5 ms; rejects
 * after `timeoutMs` (with `label` in the message). Shared by the local Twitch and Discord servers,
 * whose tests wait on what the servers record.
 */
export function waitFor<T>(predicate: () => T, timeoutMs = 5_000, label = 'condition'): Promise<NonNullable<T>> {
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
