import assert from 'node:assert/strict';
import { signJob, verifyJob } from '../../../../src/shared/relay-protocol/job-signing';
import type { RelayJob } from '../../../../src/shared/relay-protocol/messages';
import {
  NonceCache,
  SignatureError,
  generateSigningKeyPair,
  privateKeyFrom,
  publicKeyFrom,
  signParts,
  signatureFromHeaders,
  signatureHeaders,
  verifySignature,
} from '../../../../src/shared/relay-protocol/request-signing';

const relay = generateSigningKeyPair();
const bot = generateSigningKeyPair();
const RELAY_KEYS = new Map([['relay-1', publicKeyFrom(relay.publicKey)]]);
const BOT_KEYS = new Map([['bot', publicKeyFrom(bot.publicKey)]]);
const REQUEST = { method: 'POST', path: '/api/relay/poll', body: '{"relayId":"relay-1"}' };

function reason(fn: () => void): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof SignatureError, String(err));
    return err.reason;
  }
  return 'accepted';
}

describe('request signing (Ed25519)', () => {
  it('accepts a signed request once, through its headers', () => {
    const sig = signParts(REQUEST, 'relay-1', privateKeyFrom(relay.privateKey));
    const read = signatureFromHeaders(signatureHeaders(sig));
    const nonces = new NonceCache();
    assert.equal(
      reason(() => verifySignature(REQUEST, read, RELAY_KEYS, nonces)),
      'accepted',
    );
    assert.equal(
      reason(() => verifySignature(REQUEST, read, RELAY_KEYS, nonces)),
      'replayed',
    );
  });

  it('refuses a changed method, path or body, an unknown key and a key that did not sign', () => {
    const sig = signParts(REQUEST, 'relay-1', privateKeyFrom(relay.privateKey));
    for (const tampered of [
      { ...REQUEST, method: 'PUT' },
      { ...REQUEST, path: '/api/relay/events' },
      { ...REQUEST, body: '{"relayId":"relay-2"}' },
    ]) {
      assert.equal(
        reason(() => verifySignature(tampered, sig, RELAY_KEYS, new NonceCache())),
        'bad-signature',
      );
    }
    assert.equal(
      reason(() => verifySignature(REQUEST, { ...sig, keyId: 'relay-9' }, RELAY_KEYS, new NonceCache())),
      'unknown-key',
    );
    const forged = signParts(REQUEST, 'relay-1', privateKeyFrom(bot.privateKey));
    assert.equal(
      reason(() => verifySignature(REQUEST, forged, RELAY_KEYS, new NonceCache())),
      'bad-signature',
    );
  });

  it('refuses a timestamp more than 5 minutes away, either way', () => {
    const now = Date.now();
    for (const skew of [-301_000, 301_000]) {
      const sig = signParts(REQUEST, 'relay-1', privateKeyFrom(relay.privateKey), now + skew);
      assert.equal(
        reason(() => verifySignature(REQUEST, sig, RELAY_KEYS, new NonceCache(), now)),
        'stale',
      );
    }
    const justInside = signParts(REQUEST, 'relay-1', privateKeyFrom(relay.privateKey), now - 299_000);
    assert.equal(
      reason(() => verifySignature(REQUEST, justInside, RELAY_KEYS, new NonceCache(), now)),
      'accepted',
    );
  });

  it('refuses missing or malformed headers', () => {
    assert.equal(
      reason(() => signatureFromHeaders({})),
      'malformed',
    );
    assert.equal(
      reason(() =>
        signatureFromHeaders({
          ...signatureHeaders(signParts(REQUEST, 'relay-1', privateKeyFrom(relay.privateKey))),
          'x-anchor-timestamp': 'soon',
        }),
      ),
      'malformed',
    );
  });

  it('lets a relay check a job came from the bot, unaltered and once', () => {
    const job: RelayJob = {
      id: 'job-1',
      relayId: 'relay-1',
      operation: 'pause',
      requestId: 'req-1',
      issuedAt: new Date().toISOString(),
      expiresAt: new Date(Date.now() + 60_000).toISOString(),
    };
    const signed = signJob(job, 'bot', privateKeyFrom(bot.privateKey));
    const nonces = new NonceCache();
    assert.equal(
      reason(() => verifyJob(signed, BOT_KEYS, nonces)),
      'accepted',
    );
    assert.equal(
      reason(() => verifyJob(signed, BOT_KEYS, nonces)),
      'replayed',
    );
    const altered = { ...signed, job: { ...job, operation: 'delta' as const } };
    assert.equal(
      reason(() => verifyJob(altered, BOT_KEYS, new NonceCache())),
      'bad-signature',
    );
  });
});
