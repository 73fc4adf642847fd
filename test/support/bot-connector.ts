import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

/** What the bot did at the connector. */
export type ConnectorCallKind = 'create' | 'send' | 'reply' | 'update';

/** One call the bot made to the connector, with when its body had fully arrived. */
export interface ConnectorCall {
  kind: ConnectorCallKind;
  /** performance.now() when the request body was complete. */
  at: number;
  conversationId: string;
  /** The activity the call created (create, send, reply) or replaced (update). */
  activityId: string;
  /** The activity replied to (reply only). */
  replyToId?: string;
  body: Record<string, unknown>;
}

interface Waiter {
  from: number;
  match: (call: ConnectorCall) => boolean;
  resolve: (call: ConnectorCall) => void;
}

const CONVERSATION = /^\/v3\/conversations\/?$/;
const ACTIVITIES = /^\/v3\/conversations\/([^/]+)\/activities\/?$/;
const ACTIVITY = /^\/v3\/conversations\/([^/]+)\/activities\/([^/]+)\/?$/;

/**
 * A stand-in for the Bot Connector service (the activities' `serviceUrl`): it accepts what the
 * bot sends back (replies, new messages, card updates, new conversations), gives each new
 * activity an id, and records the call with its arrival time so a bench can wait for one.
 * The bot runs anonymously (demo mode), so no token is checked.
 */
export class BotConnector {
  readonly calls: ConnectorCall[] = [];
  private readonly server = http.createServer((req, res) => this.handle(req, res));
  private waiters: Waiter[] = [];
  private nextId = 1;

  /** Listens on loopback; resolves with the service URL to put in activities. */
  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this.url;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  /** A position in {@link calls}: wait for calls made after it. */
  mark(): number {
    return this.calls.length;
  }

  /** The first call at or after `from` that matches, as soon as it arrives. */
  next(from: number, match: (call: ConnectorCall) => boolean, timeoutMs: number, what: string) {
    const found = this.calls.slice(from).find(match);
    if (found) return Promise.resolve(found);
    return new Promise<ConnectorCall>((resolve, reject) => {
      const waiter: Waiter = {
        from,
        match,
        resolve: (call) => {
          clearTimeout(timer);
          resolve(call);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`the connector did not receive ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = performance.now();
      let body: Record<string, unknown>;
      try {
        const text = Buffer.concat(chunks).toString('utf8');
        body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      } catch {
        return this.answer(res, 400, { error: { code: 'BadArgument', message: 'invalid JSON' } });
      }
      const path = (req.url ?? '').split('?')[0];
      const method = req.method ?? '';
      let m: RegExpExecArray | null;
      if (method === 'POST' && CONVERSATION.test(path)) {
        const conversationId = `bench-conversation-${this.nextId++}`;
        const activityId = this.newId();
        this.record({ kind: 'create', at, conversationId, activityId, body });
        return this.answer(res, 200, { id: conversationId, activityId });
      }
      if (method === 'POST' && (m = ACTIVITIES.exec(path))) {
        const activityId = this.newId();
        this.record({ kind: 'send', at, conversationId: decodeURIComponent(m[1]), activityId, body });
        return this.answer(res, 200, { id: activityId });
      }
      if ((m = ACTIVITY.exec(path)) && (method === 'POST' || method === 'PUT')) {
        const conversationId = decodeURIComponent(m[1]);
        const target = decodeURIComponent(m[2]);
        if (method === 'PUT') {
          this.record({ kind: 'update', at, conversationId, activityId: target, body });
          return this.answer(res, 200, { id: target });
        }
        const activityId = this.newId();
        this.record({ kind: 'reply', at, conversationId, activityId, replyToId: target, body });
        return this.answer(res, 200, { id: activityId });
      }
      this.answer(res, 404, { error: { code: 'NotFound', message: `${method} ${path}` } });
    });
  }

  private newId(): string {
    return `bench-activity-${this.nextId++}`;
  }

  private record(call: ConnectorCall): void {
    const index = this.calls.push(call) - 1;
    for (const waiter of [...this.waiters]) {
      if (index >= waiter.from && waiter.match(call)) {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        waiter.resolve(call);
      }
    }
  }

  /** restify patches http.ServerResponse in this process: writeHead and end are called apart. */
  private answer(res: http.ServerResponse, status: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
  }
}
