import assert from 'node:assert/strict';
import { signJob, verifyJob } from '../../../../src/shared/relay-protocol/job-signing';
import {
  NonceCache,
  privateKeyFrom,
  publicKeyFrom,
  signParts,
  verifySignature,
} from '../../../../src/shared/relay-protocol/request-signing';
import { DEMO_RELAY_ID, demoRelayKeys } from '../../../../src/sim/demo/start-demo';

describe('demo relay keys', () => {
  it('pair the bot with one relay: each verifies what the other signs', () => {
    const { settings, keys } = demoRelayKeys();
    assert.equal(keys.relayId, DEMO_RELAY_ID);
    assert.equal(settings.primaryRelayId, DEMO_RELAY_ID);
    const job = {
      id: 'j1',
      relayId: DEMO_RELAY_ID,
      operation: 'status' as const,
      requestId: null,
      issuedAt: new Date().toISOString(),
      expiresAt: new Date(Date.now() + 60_000).toISOString(),
    };
    const signed = signJob(job, settings.botKeyId, settings.botSigningKey);
    verifyJob(signed, new Map([[keys.botKeyId, publicKeyFrom(keys.botPublicKey)]]), new NonceCache());

    const parts = { method: 'POST', path: '/api/relay/poll', body: '{}' };
    const sig = signParts(parts, keys.relayId, privateKeyFrom(keys.relayPrivateKey()));
    verifySignature(parts, sig, settings.publicKeys, new NonceCache());
  });

  it('are new every time, and a logged handle shows no private key', () => {
    const one = demoRelayKeys().keys;
    const two = demoRelayKeys().keys;
    assert.notEqual(one.relayPublicKey, two.relayPublicKey);
    assert.ok(!JSON.stringify(one).includes(one.relayPrivateKey()));
  });
});
