import type { Bus } from '../../data/bus.js';
import type { QueueEntry } from '../../data/support.js';
import type { ConsoleDesk, SupportDesk } from './agent-desk.js';
import type { AgentHub } from './agent-socket.js';

/** Bus topics of the console; payloads are JSON. */
export const DeskTopics = {
  /** A frame for the web visitor behind a conversation, on whichever instance holds their socket. */
  visitor: 'desk.visitor',
  /** Something changed for the consoles: an optional frame for every console, then a look at the store. */
  consoles: 'desk.consoles',
} as const;

type VisitorEntry = Pick<QueueEntry, 'conversationId' | 'platform' | 'channel'>;

/**
 * What an agent does on one instance reaches visitors and consoles on every instance. A reply
 * typed on instance B goes out on the bus; the instance holding the visitor's socket (A, or B
 * itself) finds the visitor and sends the frame; every instance's consoles hear "taken" and look
 * at the store at once. The bus runs this instance's handlers itself, exactly once, so nothing is
 * sent twice here. Frames for visitors leave in the order they were published.
 */
export class DeskRelay {
  private chain: Promise<void> = Promise.resolve();
  private readonly unsubscribe: (() => void)[] = [];

  constructor(private readonly bus: Bus, private readonly o: {
    desk: () => SupportDesk | undefined;
    console: ConsoleDesk;
    agents: AgentHub;
    log: (message: string) => void;
  }) {}

  start(): void {
    this.unsubscribe.push(
      this.bus.subscribe(DeskTopics.visitor, (p) => {
        const { entry, frame } = p as { entry: VisitorEntry; frame: unknown };
        this.chain = this.chain.then(async () => {
          const desk = this.o.desk();
          if (desk) await this.o.console.toVisitor(desk, entry, frame);
        }).catch((err: unknown) => this.o.log(`frame to visitor failed: ${err instanceof Error ? err.message : String(err)}`));
      }),
      this.bus.subscribe(DeskTopics.consoles, (p) => {
        const { frame } = p as { frame?: unknown };
        if (frame !== undefined) this.o.agents.broadcast(frame);
        this.o.agents.poke();
      }),
    );
  }

  stop(): void {
    for (const u of this.unsubscribe.splice(0)) u();
  }

  /** Sends a frame to every open tab of the web visitor behind `entry`, wherever they are connected. */
  toVisitor(entry: VisitorEntry, frame: unknown): void {
    const { conversationId, platform, channel } = entry;
    void this.bus.publish(DeskTopics.visitor, { entry: { conversationId, platform, channel }, frame });
  }

  /** Tells every console on every instance (a frame, if any) and has them look at the store now. */
  toConsoles(frame?: unknown): void {
    void this.bus.publish(DeskTopics.consoles, frame === undefined ? {} : { frame });
  }

  /** Resolves once the visitor frames delivered so far are sent; for tests. */
  async settled(): Promise<void> {
    await this.chain;
  }
}
