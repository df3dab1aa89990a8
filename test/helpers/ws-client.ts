import { WebSocket, type ClientOptions } from 'ws';

/** A test client that queues incoming frames so tests can await them in order. */
export class FrameClient {
  readonly frames: any[] = [];
  private waiters: (() => void)[] = [];
  closed?: { code: number; reason: string };
  private closeWaiters: (() => void)[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.frames.push(JSON.parse(data.toString()));
      this.waiters.splice(0).forEach((w) => w());
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.closeWaiters.splice(0).forEach((w) => w());
      this.waiters.splice(0).forEach((w) => w());
    });
  }

  /** `options.localAddress` picks the client address (any 127.x.y.z on loopback). */
  static connect(url: string, headers: Record<string, string> = {}, options: ClientOptions = {}): Promise<FrameClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { ...options, headers });
      const client = new FrameClient(ws);
      ws.once('open', () => resolve(client));
      ws.once('error', reject);
      ws.once('close', () => resolve(client));
    });
  }

  /** Resolves with the first frame (from now or already queued, unconsumed) matching `pred`. */
  async next(pred: (f: any) => boolean = () => true, timeoutMs = 10000): Promise<any> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.frames.findIndex(pred);
      if (i >= 0) return this.frames.splice(i, 1)[0];
      if (this.closed) throw new Error(`socket closed (${this.closed.code} ${this.closed.reason}) before the frame arrived`);
      if (Date.now() > deadline) throw new Error('timed out waiting for a frame');
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 100);
      });
    }
  }

  async waitClosed(timeoutMs = 5000): Promise<{ code: number; reason: string }> {
    if (!this.closed) await new Promise<void>((r) => { this.closeWaiters.push(r); setTimeout(r, timeoutMs); });
    if (!this.closed) throw new Error('socket was not closed');
    return this.closed;
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  close(): void {
    this.ws.close();
  }
}
