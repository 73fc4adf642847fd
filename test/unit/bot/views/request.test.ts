import assert from 'node:assert/strict';
import { requestCardData } from '../../../../src/bot/views/request';
import type { LinkFailure } from '../../../../src/services/link/link-request';
import { PREFLIGHT_CHECK_IDS } from '../../../../src/services/link/preflight/report';
import type { PreflightCheckId } from '../../../../src/services/link/preflight/report';
import { requestSamples } from '../../../support/link-card-fixtures';
import { apesPreflight } from '../../../support/link-fixtures';

describe('the request card after a failed run', () => {
  /** The sample failed request, its run ended with the scheduler as given. */
  function stateLine(scheduler: LinkFailure['scheduler']): string {
    const failed = requestSamples().failed;
    const failure = { ...failed.run!.failure!, scheduler };
    return requestCardData({ ...failed, run: { ...failed.run!, failure } }, 'approvers').stateLine;
  }

  it('says the scheduler was resumed only when the run read it back enabled', () => {
    assert.match(stateLine('enabled'), /The scheduler was resumed\.$/);
    assert.match(stateLine('paused'), /STILL PAUSED/);
    assert.match(stateLine('unknown'), /could not confirm that the scheduler was resumed/);
    assert.doesNotMatch(stateLine(undefined), /resumed|paused/i);
  });
});

describe('the preflight line of the request card', () => {
  const CHECKS = PREFLIGHT_CHECK_IDS.length;
  const pending = requestSamples().pending;
  const withStatuses = (statuses: Partial<Record<PreflightCheckId, 'pass' | 'warn' | 'fail'>>) =>
    requestCardData({ ...pending, preflight: apesPreflight(statuses) }, 'approvers');

  it('says all checks passed only when none warned', () => {
    const data = withStatuses({});
    assert.equal(data.preflight.summary, `${CHECKS} of ${CHECKS} checks passed`);
    assert.equal(data.preflight.icon, '✓');
    assert.deepEqual(data.flagged, []);
    assert.equal(data.passed.length, CHECKS);
  });

  it('names the warnings beside the passes, in words, and shows them at a glance', () => {
    const data = withStatuses({ 'no-object-identifier': 'warn', 'tenant-hard-match-block': 'warn' });
    assert.equal(data.preflight.icon, '⚠');
    assert.equal(
      data.preflight.summary,
      `${CHECKS - 2} of ${CHECKS} checks passed; 2 warnings, not all acknowledged`,
    );
    const acknowledged = requestCardData(
      {
        ...pending,
        preflight: apesPreflight({ 'no-object-identifier': 'warn' }),
        acknowledged: ['no-object-identifier'],
      },
      'approvers',
    );
    assert.equal(
      acknowledged.preflight.summary,
      `${CHECKS - 1} of ${CHECKS} checks passed; 1 warning, acknowledged by Megan Bowen`,
    );
    assert.deepEqual(
      acknowledged.flagged.map((c) => c.title),
      ['Check no-object-identifier'],
    );
    assert.equal(acknowledged.passed.length, CHECKS - 1);
  });

  it('never writes "warning(s)" nor "all checks pass" on any sample request', () => {
    for (const request of Object.values(requestSamples())) {
      const text = JSON.stringify(requestCardData(request, 'approvers'));
      assert.doesNotMatch(text, /warning\(s\)/);
      if (request.preflight.checks.some((c) => c.status !== 'pass'))
        assert.doesNotMatch(text, /all \d* ?checks pass/i);
    }
  });
});
