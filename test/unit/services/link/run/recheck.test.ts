import assert from 'node:assert/strict';
import type { LinkRequest } from '../../../../../src/services/link/link-request';
import { evaluateChecks } from '../../../../../src/services/link/preflight/checks';
import type { PreflightFacts } from '../../../../../src/services/link/preflight/checks';
import { recheckProblems } from '../../../../../src/services/link/run/recheck';
import { scorePair } from '../../../../../src/services/link/pair-matching';
import {
  APES_IMMUTABLE_ID,
  apesAdUser,
  apesCloudUser,
  apesPreflight,
} from '../../../../support/link-fixtures';

/** Facts as run-preflight gathers them for apes, every one readable and clean unless overridden. */
function facts(overrides: Partial<PreflightFacts> = {}): PreflightFacts {
  const ad = apesAdUser();
  const cloud = apesCloudUser();
  return {
    ad,
    cloud,
    holders: { users: [], deletedUsers: [], truncated: false },
    domain: { domain: 'contoso.com', authenticationType: 'Managed', isVerified: true },
    roles: { active: [], eligible: [], pim: 'available', truncated: false },
    roleGroups: { groups: [], truncated: false },
    objectIdentifier: { known: true, value: null },
    syncFeatures: {
      known: true,
      value: {
        blockCloudObjectTakeoverThroughHardMatchEnabled: false,
        blockSoftMatchEnabled: false,
        all: {},
      },
    },
    syncServer: null,
    pair: scorePair(ad, cloud),
    ...overrides,
  };
}

/** An approved request whose requester acknowledged every warning the preflight showed. */
function approved(): LinkRequest {
  const preflight = apesPreflight({ 'no-privileged-role': 'warn' });
  return { preflight, acknowledged: ['no-privileged-role'] } as LinkRequest;
}

describe('recheckProblems (the re-check just before the write)', () => {
  it('stops on a takeover guard that cannot be read, even one acknowledged as a warning earlier', () => {
    const checks = evaluateChecks(facts({ roles: { error: 'Graph answered 403', denied: true } }));
    const roles = checks.find((c) => c.id === 'no-privileged-role')!;
    assert.equal(roles.status, 'fail');
    const report = { ...apesPreflight(), checks };
    const problems = recheckProblems(approved(), report);
    assert.ok(
      problems.some((p) =>
        p.startsWith('Cloud user holds no admin role: could not check: Graph answered 403'),
      ),
      problems.join(' | '),
    );
  });

  it('lets the run go on when every guard reads clean again', () => {
    const checks = evaluateChecks(facts()).filter((c) => c.id !== 'sync-server');
    const report = { ...apesPreflight(), immutableId: APES_IMMUTABLE_ID, checks };
    assert.deepEqual(recheckProblems(approved(), report), []);
  });

  it('stops before the write unless the UPN domain is confirmed managed, even with an acknowledged warning', () => {
    // Graph refuses every ImmutableId change in a federated domain, clearing included, so a value
    // written where the domain is not known to be managed might never be taken back.
    const checks = evaluateChecks(
      facts({ domain: { domain: 'contoso.com', authenticationType: 'Unknown', isVerified: true } }),
    ).filter((c) => c.id !== 'sync-server');
    assert.equal(checks.find((c) => c.id === 'domain-managed')?.status, 'warn');
    const request = {
      ...approved(),
      acknowledged: ['domain-managed' as const, 'no-privileged-role' as const],
    };
    const report = { ...apesPreflight(), immutableId: APES_IMMUTABLE_ID, checks };
    const problems = recheckProblems(request as LinkRequest, report);
    assert.equal(problems.length, 1, problems.join(' | '));
    assert.match(
      problems[0],
      /^UPN domain is managed: contoso\.com authenticates as Unknown — Anchor writes only where it could undo/,
    );
    const missing = { ...report, checks: checks.filter((c) => c.id !== 'domain-managed') };
    assert.match(
      recheckProblems(request as LinkRequest, missing).join(' | '),
      /did not judge the UPN domain/,
    );
  });
});
