import { createConnection, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/**
 * A TCP relay in front of a local server. `freeze()` turns it into a peer that never answers:
 * bytes from either side are swallowed and no connection is ever closed from the far end, so a
 * client waiting for a close handshake (IRC QUIT, WebSocket close frame) waits forever.
 */
export class FreezeProxy {
  private frozen = false;
  private readonly sockets = new Set<Socket>();

  private constructor(private readonly server: Server) {}

  static async start(targetPort: number, targetHost = '127.0.0.1'): Promise<FreezeProxy> {
    const server = createServer({ allowHalfOpen: true });
    const proxy = new FreezeProxy(server);
    server.on('connection', (client) => {
      const upstream = createConnection({ port: targetPort, host: targetHost, allowHalfOpen: true });
      for (const s of [client, upstream]) {
        proxy.sockets.add(s);
        s.on('error', () => undefined);
        s.on('close', () => proxy.sockets.delete(s));
      }
      const relay = (from: Socket, to: Socket) => {
        from.on('data', (d) => {
          if (!proxy.frozen) to.write(d);
        });
        from.on('end', () => {
          if (!proxy.frozen) to.end();
        });
      };
      relay(client, upstream);
      relay(upstream, client);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  freeze(): void {
    this.frozen = true;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
