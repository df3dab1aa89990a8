/**
 * Agents online across instances. Each instance knows the consoles connected to it; it announces
 * its count when it changes and every `heartbeatMs` besides, and adds up the others' latest
 * announcements. An instance that stopped announcing (gone, or the bus down) counts for nothing
 * after `staleMs`. The handoff stage asks `total` whether anyone can take a visitor now.
 * Pure: the clock is injected; the composition root carries the announcements over the bus.
 */
export interface AgentPresenceOptions {
  /** This instance's id: its own announcements coming back are ignored (its live count is used). */
  self: string;
  heartbeatMs?: number;
  staleMs?: number;
  now?: () => number;
}

export class AgentPresence {
  private readonly others = new Map<string, { agents: number; at: number }>();
  private announced: { agents: number; at: number } | undefined;
  private readonly heartbeatMs: number;
  private readonly staleMs: number;
  private readonly now: () => number;

  constructor(private readonly o: AgentPresenceOptions) {
    this.heartbeatMs = o.heartbeatMs ?? 5_000;
    this.staleMs = o.staleMs ?? 3 * this.heartbeatMs;
    this.now = o.now ?? Date.now;
  }

  /** Another instance's announcement. */
  report(instance: string, agents: number): void {
    if (instance === this.o.self) return;
    if (agents > 0) this.others.set(instance, { agents, at: this.now() });
    else this.others.delete(instance);
  }

  /** Agents on this instance (`local`) plus those the other instances announced lately. */
  total(local: number): number {
    const t = this.now();
    let n = local;
    for (const [instance, p] of this.others) {
      if (t - p.at > this.staleMs) this.others.delete(instance);
      else n += p.agents;
    }
    return n;
  }

  /** Whether to announce `local` now (it changed, or the heartbeat is due); records it as announced when so. */
  shouldAnnounce(local: number): boolean {
    const t = this.now();
    if (this.announced && this.announced.agents === local && t - this.announced.at < this.heartbeatMs) return false;
    this.announced = { agents: local, at: t };
    return true;
  }
}
