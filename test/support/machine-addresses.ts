import { execFileSync } from 'node:child_process';
import net from 'node:net';
import os from 'node:os';

/** An address of this machine other than loopback, and how to give it back. */
export interface NonLoopbackAddresses {
  addresses: string[];
  /** Removes an address the fixture added; nothing to do when the machine had its own. */
  release(): void;
}

/** Added to `lo` when the machine has no other address (as root only); a benchmarking range. */
const FALLBACK = '198.18.0.71';

/**
 * The machine's own addresses that are not loopback (IPv4 and global IPv6; link-local ones need a
 * scope and are left out). A machine without any gets one (`ip addr add … dev lo`, root only),
 * which {@link NonLoopbackAddresses.release} removes again.
 */
export function nonLoopbackAddresses(): NonLoopbackAddresses {
  const own = Object.values(os.networkInterfaces())
    .flatMap((entries) => entries ?? [])
    .filter((e) => !e.internal && !e.address.startsWith('127.') && e.address !== '::1')
    .filter((e) => !(e.family === 'IPv6' && /^fe80:/i.test(e.address)))
    .map((e) => e.address);
  if (own.length > 0) return { addresses: own, release: () => undefined };
  if (process.getuid?.() !== 0) {
    throw new Error('This test needs a non-loopback address on this machine, or root to add one to lo.');
  }
  execFileSync('ip', ['addr', 'add', `${FALLBACK}/32`, 'dev', 'lo']);
  return {
    addresses: [FALLBACK],
    release: () => execFileSync('ip', ['addr', 'del', `${FALLBACK}/32`, 'dev', 'lo']),
  };
}

/** What a TCP connection to `host`:`port` got: `connected`, `refused`, or the error code. */
export function tcpConnect(host: string, port: number, timeoutMs = 3000): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: timeoutMs });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve('timed out');
    });
    socket.once('error', (err: NodeJS.ErrnoException) =>
      resolve(err.code === 'ECONNREFUSED' ? 'refused' : (err.code ?? err.message)),
    );
  });
}
