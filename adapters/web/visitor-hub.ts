import Bottleneck from 'bottleneck';
import type { WebSocket } from 'ws';

/**
 * The open sockets of each visitor (a visitor may have several tabs) and one outbound queue per
 * visitor, so their frames leave in order and a slow socket never holds up anyone else.
 */
export class VisitorHub {
  private readonly sockets = new Map<string, Set<WebSocket>>();
  private readonly limiters = new Map<string, Bottleneck>();

  add(visitor: string, socket: WebSocket): void {
    const set = this.sockets.get(visitor) ?? new Set();
    set.add(socket);
    this.sockets.set(visitor, set);
  }

  remove(visitor: string, socket: WebSocket): void {
    const set = this.sockets.get(visitor);
    if (!set) return;
    set.delete(socket);
    if (set.size === 0) {
      this.sockets.delete(visitor);
      const limiter = this.limiters.get(visitor);
      this.limiters.delete(visitor);
      void limiter?.stop({ dropWaitingJobs: false });
    }
  }

  /** Queues a frame to every open socket of the visitor. */
  broadcast(visitor: string, frame: unknown): Promise<void> {
    // Nobody connected (the visitor hung up before the bot answered): nothing to send, and no queue
    // to create, since only the last socket's close would ever remove it. History has the lines.
    if (!this.sockets.has(visitor)) return Promise.resolve();
    const payload = JSON.stringify(frame);
    let limiter = this.limiters.get(visitor);
    if (!limiter) {
      limiter = new Bottleneck({ maxConcurrent: 1 });
      this.limiters.set(visitor, limiter);
    }
    return limiter.schedule(async () => {
      for (const socket of this.sockets.get(visitor) ?? []) {
        if (socket.readyState === socket.OPEN) socket.send(payload);
      }
    });
  }

  /** Visitors with at least one open socket. */
  visitors(): IterableIterator<string> {
    return this.sockets.keys();
  }

  /** Per-visitor outbound queues held now. */
  get queues(): number {
    return this.limiters.size;
  }

  get connections(): number {
    let n = 0;
    for (const set of this.sockets.values()) n += set.size;
    return n;
  }

  closeAll(code: number, reason: string): void {
    for (const set of this.sockets.values()) for (const s of set) s.close(code, reason);
  }
}
