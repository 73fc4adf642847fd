import http from 'node:http';
import https from 'node:https';
import type { KeyObject } from 'node:crypto';
import { signParts, signatureHeaders } from '../shared/relay-protocol/request-signing';
import { isTlsTrustError } from '../shared/tls-trust';

/** The bot could not be reached (network error, timeout, 5xx): worth trying again later. */
export class BotUnreachableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BotUnreachableError';
  }
}

/** The bot answered with a 4xx: our request (or our key) is not accepted. */
export class BotRefusedError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'BotRefusedError';
  }
}

/** Options of {@link SignedHttp}. */
export interface SignedHttpOptions {
  /** The bot's origin plus optional base path, without a trailing slash. */
  botUrl: string;
  keyId: string;
  privateKey: KeyObject;
  ca?: Buffer;
  timeoutMs?: number;
}

/** Options of one {@link SignedHttp.post}. */
export interface PostOptions {
  /** Longer than the default for a poll the bot may hold open. */
  timeoutMs?: number;
  /** Aborts the request (the relay is stopping); it then rejects with a BotUnreachableError. */
  signal?: AbortSignal;
}

/** An answer from the bot. */
export interface BotAnswer {
  status: number;
  body: string;
}

/**
 * POSTs JSON to the bot, signed with the relay's Ed25519 key over method, path, body digest,
 * timestamp and nonce. Uses node:https rather than fetch so RELAY_CA_FILE can be trusted.
 */
export class SignedHttp {
  constructor(private readonly options: SignedHttpOptions) {}

  /**
   * Sends `body` to `path` and returns a 2xx answer.
   * @throws BotUnreachableError or BotRefusedError.
   */
  async post(path: string, body: unknown, options: PostOptions = {}): Promise<BotAnswer> {
    const url = new URL(this.options.botUrl + path);
    const text = JSON.stringify(body);
    const signedPath = url.pathname + url.search;
    const sig = signParts(
      { method: 'POST', path: signedPath, body: text },
      this.options.keyId,
      this.options.privateKey,
    );
    const answer = await this.send(url, text, signatureHeaders(sig), options);
    if (answer.status >= 500 || answer.status === 429 || answer.status === 408)
      throw new BotUnreachableError(`the bot answered ${answer.status} on ${signedPath}`);
    if (answer.status >= 400) {
      throw new BotRefusedError(answer.status, `the bot refused ${signedPath} with ${answer.status}`);
    }
    return answer;
  }

  private send(
    url: URL,
    body: string,
    headers: Record<string, string>,
    options: PostOptions,
  ): Promise<BotAnswer> {
    const lib = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = lib.request(
        url,
        {
          method: 'POST',
          headers: {
            ...headers,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
          },
          ca: this.options.ca,
          timeout: options.timeoutMs ?? this.options.timeoutMs ?? 30_000,
          agent: false,
          signal: options.signal,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
          );
          res.on('error', (err) =>
            reject(new BotUnreachableError(`reading the bot's answer failed: ${err.message}`)),
          );
        },
      );
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', (err: NodeJS.ErrnoException) =>
        reject(new BotUnreachableError(unreachableMessage(url, err))),
      );
      req.end(body);
    });
  }
}

/** Says what to fix: a certificate the relay does not trust is a setting, not an outage. */
function unreachableMessage(url: URL, err: NodeJS.ErrnoException): string {
  const code = err.code ?? err.message;
  if (isTlsTrustError(code)) {
    return (
      `the bot at ${url.origin} presented a TLS certificate this relay does not trust (${code}); ` +
      'set RELAY_CA_FILE to the CA that issued it, or fix the certificate'
    );
  }
  return `the bot at ${url.origin} is unreachable: ${code}`;
}
