import assert from 'node:assert/strict';
import { twinRecheckProblems } from '../../../../../src/services/link/twin/twin-recheck';
import { HOME_DN, parkedReport, twinRequest } from './twin-fixtures';

describe('twinRecheckProblems', () => {
  it('lets step 4 write when the AD user is parked (ad-user-ready fails for that alone) and the twin is gone', () => {
    assert.deepEqual(twinRecheckProblems(twinRequest(), parkedReport()), []);
  });

  it('stops when the AD user is back in sync scope', () => {
    const problems = twinRecheckProblems(
      twinRequest(),
      parkedReport({ 'ad-user-ready': 'pass' }, { dn: HOME_DN, inSyncScope: true }),
    );
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /back in sync scope.*new synced twin/);
  });

  it('stops when the AD user is disabled', () => {
    const problems = twinRecheckProblems(twinRequest(), parkedReport({}, { enabled: false }));
    assert.match(problems.join('; '), /disabled/);
  });

  it('stops when the twin still holds the value (no-synced-twin or anchor-unique does not pass)', () => {
    assert.match(
      twinRecheckProblems(twinRequest(), parkedReport({ 'no-synced-twin': 'fail' })).join('; '),
      /Check no-synced-twin/,
    );
    assert.match(
      twinRecheckProblems(twinRequest(), parkedReport({ 'anchor-unique': 'warn' })).join('; '),
      /anchor-unique does not pass now.*twin must be gone/,
    );
  });

  it('keeps the link rules: any other failing check, a changed value', () => {
    assert.match(
      twinRecheckProblems(twinRequest(), parkedReport({ 'cloud-only': 'fail' })).join('; '),
      /Check cloud-only/,
    );
    const other = { ...parkedReport(), immutableId: 'AAAAAAAAAAAAAAAAAAAAAA==' };
    assert.match(twinRecheckProblems(twinRequest(), other).join('; '), /not the approved/);
  });
});
