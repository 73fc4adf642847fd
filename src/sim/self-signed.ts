import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

/** A PEM key pair for a loopback HTTPS server. */
export interface SelfSignedCertificate {
  key: string;
  cert: string;
}

/**
 * Makes a throwaway P-256 certificate for 127.0.0.1 with `openssl`, for serving the Graph
 * simulator over HTTPS (MSAL may refuse an http authority). Clients must trust `cert`
 * explicitly, e.g. NODE_EXTRA_CA_CERTS or an agent's `ca`.
 */
export async function createSelfSignedCertificate(
  options: { days?: number; keyType?: 'ec' | 'rsa' } = {},
): Promise<SelfSignedCertificate> {
  const { days = 2, keyType = 'ec' } = options;
  // Entra app credentials are RSA; a TLS listener is happy with a smaller, faster P-256 key.
  const keyArgs =
    keyType === 'rsa'
      ? ['-newkey', 'rsa:2048']
      : ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'];
  const dir = await mkdtemp(path.join(os.tmpdir(), 'anchor-cert-'));
  try {
    const keyFile = path.join(dir, 'key.pem');
    const certFile = path.join(dir, 'cert.pem');
    await promisify(execFile)('openssl', [
      'req',
      '-x509',
      ...keyArgs,
      '-nodes',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      // Self-signed and trusted as its own CA by the client (Node checks CA:TRUE for that).
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-days',
      String(days),
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ]);
    return { key: await readFile(keyFile, 'utf8'), cert: await readFile(certFile, 'utf8') };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
