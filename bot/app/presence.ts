import { AgentPresence } from '../agent-presence.js';
import { Topics, type Cluster } from './cluster.js';

/** Agents online on every instance: this one's count, announced over the bus, plus the others'. */
export function shareAgentPresence(cluster: Pick<Cluster, 'id' | 'bus'>, local: () => number, checkMs = 1_000): { agentsOnline(): number; stop(): void } {
  const presence = new AgentPresence({ self: cluster.id });
  const unsubscribe = cluster.bus.subscribe(Topics.presence, (p) => {
    const { instance, agents } = p as { instance: string; agents: number };
    if (typeof instance === 'string' && Number.isFinite(agents)) presence.report(instance, agents);
  });
  const announce = () => {
    const agents = local();
    if (presence.shouldAnnounce(agents)) void cluster.bus.publish(Topics.presence, { instance: cluster.id, agents });
  };
  const timer = setInterval(announce, checkMs);
  timer.unref();
  return {
    agentsOnline: () => presence.total(local()),
    stop() {
      clearInterval(timer);
      unsubscribe();
      // Leaving: the others stop counting this instance's agents at once.
      void cluster.bus.publish(Topics.presence, { instance: cluster.id, agents: 0 });
    },
  };
}
