import net from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A TCP proxy on an ephemeral loopback port that closes every connection `cutAfterMs` after it
 * opened, both ways, whatever is in flight: a corporate proxy or firewall that ends requests left
 * silent too long, for the relay's long polls.
 */
export class CuttingProxy {
  /** How many connections were cut (closed by the proxy rather than by either end). */
  cuts = 0;
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();

  constructor(
    private readonly target: { host: string; port: number },
    private readonly cutAfterMs: number,
  ) {
    this.server = net.createServer((client) => this.connect(client));
  }

  /** Starts listening; resolves with the proxy's URL (`http://127.0.0.1:<port>`). */
  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Closes every connection and stops listening. */
  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private connect(client: net.Socket): void {
    const upstream = net.connect(this.target.port, this.target.host);
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => this.sockets.delete(socket));
    }
    client.pipe(upstream);
    upstream.pipe(client);
    let open = true;
    const end = () => {
      open = false;
      clearTimeout(timer);
      client.destroy();
      upstream.destroy();
    };
    const timer = setTimeout(() => {
      if (open) this.cuts++;
      end();
    }, this.cutAfterMs);
    client.on('close', end);
    upstream.on('close', end);
  }
}
