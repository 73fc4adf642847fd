import assert from 'node:assert/strict';
import { JOB_FAILURE_REASONS } from '../../../../src/shared/relay-protocol/messages';
import { jobResultSchema } from '../../../../src/shared/relay-protocol/schemas';
import { jobResult } from '../../../support/relay-messages';

const JOB = '0f6b2d1e-3c4a-4b5d-8e6f-7a8b9c0d1e01';
const facts = {
  passwordHashSync: null,
  lastHeartbeatAt: '2026-11-25T09:45:00.000Z',
  recentErrors: [{ id: 611, at: '2026-11-25T09:40:00.000Z', message: 'Password synchronization failed' }],
  problems: [{ fact: 'password-hash-sync', message: 'Get-ADSyncAADCompanyFeature : no endpoint' }],
};

describe('relay protocol schemas: sync health', () => {
  it('accepts a result with sync-health facts and the new failure reason, and keeps them', () => {
    const parsed = jobResultSchema.parse(
      jobResult(JOB, 'aadc01', { syncHealth: facts as never, reason: 'password-sync-left-disabled' }),
    );
    assert.deepEqual(parsed.syncHealth, facts);
    assert.equal(parsed.reason, 'password-sync-left-disabled');
  });

  it('bounds the facts: event text, the number of events, the fact names and the times', () => {
    const bad = [
      { ...facts, recentErrors: [{ ...facts.recentErrors[0], message: 'x'.repeat(501) }] },
      { ...facts, recentErrors: Array.from({ length: 11 }, () => facts.recentErrors[0]) },
      { ...facts, problems: [{ fact: 'healthy', message: 'x' }] },
      { ...facts, lastHeartbeatAt: '11/25/2026 09:45' },
      { ...facts, passwordHashSync: 'True' },
    ];
    for (const syncHealth of bad) {
      assert.equal(
        jobResultSchema.safeParse(jobResult(JOB, 'aadc01', { syncHealth: syncHealth as never })).success,
        false,
        JSON.stringify(syncHealth).slice(0, 120),
      );
    }
  });

  it('accepts every failure reason the relay may give, and no other', () => {
    for (const reason of JOB_FAILURE_REASONS) {
      const parsed = jobResultSchema.parse(jobResult(JOB, 'aadc01', { outcome: 'refused', reason }));
      assert.equal(parsed.reason, reason);
    }
    const made = jobResult(JOB, 'aadc01', { outcome: 'refused', reason: 'because' as never });
    assert.equal(jobResultSchema.safeParse(made).success, false);
  });
});
