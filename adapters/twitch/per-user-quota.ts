import type { ChatMessage } from '../../bot/message.js';

/**
 * One viewer can't monopolize the bot: at most `perMinute` events (messages handled, answers sent)
 * per viewer and channel in any minute; the rest are counted and refused.
 */
export class PerUserQuota {
  refused = 0;
  private readonly recent = new Map<string, number[]>();
  private lastSweep = 0;

  constructor(private readonly perMinute: number, private readonly now: () => number = Date.now) {}

  admit(message: ChatMessage): boolean {
    const now = this.now();
    if (now - this.lastSweep > 60_000) this.sweep(now);
    const key = `${message.channel}\u0000${message.user.platformId}`;
    const times = (this.recent.get(key) ?? []).filter((t) => now - t < 60_000);
    if (times.length >= this.perMinute) {
      this.refused++;
      this.recent.set(key, times);
      return false;
    }
    times.push(now);
    this.recent.set(key, times);
    return true;
  }

  private sweep(now: number): void {
    this.lastSweep = now;
    for (const [key, times] of this.recent) if (times.every((t) => now - t >= 60_000)) this.recent.delete(key);
  }
}
