import { readFileSync } from 'node:fs';
import tls from 'node:tls';
import { Client } from 'ldapts';
import type { DirectoryError } from './directory-error';
import { toDirectoryError } from './ldap-errors';
import type { LdapOptions } from './ldap-options';

type ConnectionOptions = Pick<
  LdapOptions,
  | 'url'
  | 'bindDn'
  | 'bindPassword'
  | 'caFile'
  | 'tlsServerName'
  | 'tlsInsecure'
  | 'connectTimeoutMs'
  | 'operationTimeoutMs'
>;

/**
 * One bound LDAP connection, reused across calls and re-established when it dropped.
 *
 * ldapts reconnects a dropped socket by itself but the new socket is anonymous (and its
 * auto-rebind does not cover StartTLS), so this class owns the bind: a client that is no longer
 * bound is thrown away and a new one is connected, secured and bound before the next call.
 */
export class LdapConnection {
  /** The connection being opened, or the one in use. */
  private client?: Promise<Client>;
  /** The connection in use once it is bound. */
  private ready?: Client;
  private readonly tlsOptions: tls.ConnectionOptions;
  private readonly startTls: boolean;

  constructor(private readonly options: ConnectionOptions) {
    this.startTls = options.url.toLowerCase().startsWith('ldap://');
    this.tlsOptions = tlsOptionsFor(options);
  }

  /**
   * Runs `operation` on a bound client. A reused connection that turns out to be dead is replaced
   * and the operation tried once more, so an idle connection the DC closed never shows as an error.
   * @throws DirectoryError for every failure.
   */
  async run<T>(operation: (client: Client) => Promise<T>): Promise<T> {
    const reused = this.client !== undefined;
    try {
      return await operation(await this.bound());
    } catch (err) {
      const error = toDirectoryError(err, this.options);
      if (!isConnectionLoss(error)) throw error;
      await this.reset();
      if (!reused) throw error;
    }
    try {
      return await operation(await this.bound());
    } catch (err) {
      const error = toDirectoryError(err, this.options);
      if (isConnectionLoss(error)) await this.reset();
      throw error;
    }
  }

  /** Unbinds and closes the connection; the next call opens a new one. */
  async close(): Promise<void> {
    await this.reset();
  }

  private bound(): Client | Promise<Client> {
    const ready = this.ready;
    // The common case, a live bound connection, costs no extra promise.
    if (ready?.isConnected && ready.isBound) return ready;
    if (ready) {
      // Dropped (or silently reconnected without a bind): open a new one.
      this.ready = undefined;
      this.client = undefined;
      void ready.unbind().catch(() => undefined);
    }
    if (!this.client) {
      const opening: Promise<Client> = this.connect().then(
        (client) => {
          if (this.client === opening) this.ready = client;
          return client;
        },
        (err: unknown) => {
          // A failed connect must not be reused by the next call.
          if (this.client === opening) this.client = undefined;
          throw err;
        },
      );
      this.client = opening;
    }
    return this.client;
  }

  private async connect(): Promise<Client> {
    // ldapts treats any tlsOptions as "connect with TLS", even on ldap://, and startTLS() writes
    // the socket into the options it is given: so LDAPS gets them up front, StartTLS a fresh copy.
    const client = new Client({
      url: this.options.url,
      tlsOptions: this.startTls ? undefined : { ...this.tlsOptions },
      connectTimeout: this.options.connectTimeoutMs,
      timeout: this.options.operationTimeoutMs,
    });
    try {
      if (this.startTls) await client.startTLS({ ...this.tlsOptions });
      await client.bind(this.options.bindDn, this.options.bindPassword);
      return client;
    } catch (err) {
      await client.unbind().catch(() => undefined);
      throw err;
    }
  }

  private async reset(): Promise<void> {
    const current = this.client;
    this.client = undefined;
    this.ready = undefined;
    const client = await current?.catch(() => undefined);
    await client?.unbind().catch(() => undefined);
  }
}

function isConnectionLoss(error: DirectoryError): boolean {
  return error.kind === 'unreachable' || error.kind === 'timeout';
}

function tlsOptionsFor(options: ConnectionOptions): tls.ConnectionOptions {
  const ca = options.caFile ? readFileSync(options.caFile) : undefined;
  if (options.tlsInsecure) return { ca, rejectUnauthorized: false };
  const serverName = options.tlsServerName;
  return {
    ca,
    ...(serverName
      ? {
          servername: serverName,
          checkServerIdentity: (_host: string, cert: tls.PeerCertificate) =>
            tls.checkServerIdentity(serverName, cert),
        }
      : {}),
  };
}
