import assert from 'node:assert/strict';
import type { CloudCallOptions, CloudDirectory } from '../../../../../src/services/entra/cloud-directory';
import type {
  CloudUserDetail,
  DomainAuthentication,
  ImmutableIdHolders,
  Knowable,
  RoleGroupMemberships,
  SyncFeatures,
  UserRoles,
} from '../../../../../src/services/entra/cloud-user';
import { DemoDirectory } from '../../../../../src/sim/demo/demo-directory';
import { DirectoryError } from '../../../../../src/shared/directory/directory-error';
import {
  GraphPermissionError,
  GraphThrottledError,
  UserNotFoundError,
} from '../../../../../src/services/entra/graph-errors';
import { guidToImmutableId } from '../../../../../src/shared/directory/immutable-id';
import {
  PreflightSubjectError,
  runPreflight,
} from '../../../../../src/services/link/preflight/run-preflight';
import type {
  PreflightOptions,
  PreflightServices,
  PreflightSubjects,
} from '../../../../../src/services/link/preflight/run-preflight';
import { PREFLIGHT_CHECK_IDS } from '../../../../../src/services/link/preflight/report';
import type { PreflightCheckId, PreflightReport } from '../../../../../src/services/link/preflight/report';
import { RelayPresence } from '../../../../../src/services/relay/presence';
import { cloudOnlyUser, demoDirectoryUsers } from '../../../../../src/sim/demo/demo-tenant';
import { pollRequest } from '../../../../support/relay-messages';

const APES_GUID = '35918bc9-196d-40ea-9779-889d79b753f0';
const APES_ID = '0f6b2d1e-3c4a-4b5d-8e6f-7a8b9c0d1e01';
const NOW = new Date('2026-11-25T10:00:30Z');

/** The Graph reads preflight makes, each answerable or rejectable by a test. */
type Method =
  | 'getUser'
  | 'findImmutableIdHolders'
  | 'getDomainAuthentication'
  | 'getUserRoles'
  | 'getRoleAssignableGroups'
  | 'getOnPremisesObjectIdentifier'
  | 'getSyncFeatures'
  | 'listVerifiedDomains';

/** A CloudDirectory answering from fixed values, recording the options of every call. */
class FakeCloud implements CloudDirectory {
  readonly calls: { method: Method; options?: CloudCallOptions }[] = [];
  users = new Map<string, CloudUserDetail>([
    [APES_ID, cloudDetail(APES_ID, 'apes@contoso.com', 'Aaron Pescasio')],
  ]);
  holders: ImmutableIdHolders = { users: [], deletedUsers: [], truncated: false };
  domain: DomainAuthentication = { domain: 'contoso.com', authenticationType: 'Managed', isVerified: true };
  roles: UserRoles = { active: [], eligible: [], pim: 'available', truncated: false };
  roleGroups: RoleGroupMemberships = { groups: [], truncated: false };
  objectIdentifier: Knowable<string | null> = { known: true, value: null };
  features: Knowable<SyncFeatures> = {
    known: true,
    value: { blockCloudObjectTakeoverThroughHardMatchEnabled: false, blockSoftMatchEnabled: false, all: {} },
  };
  readonly failures = new Map<Method, Error>();
  /** Resolved by a test to let every answer through at once (proves the reads overlap). */
  gate: Promise<void> = Promise.resolve();

  private async answer<T>(method: Method, options: CloudCallOptions | undefined, value: () => T): Promise<T> {
    this.calls.push({ method, options });
    await this.gate;
    const failure = this.failures.get(method);
    if (failure) throw failure;
    return value();
  }

  getUser(id: string, options?: CloudCallOptions) {
    return this.answer('getUser', options, () => {
      const user = this.users.get(id);
      if (!user) throw notFound(id);
      return user;
    });
  }
  findImmutableIdHolders(_immutableId: string, options?: CloudCallOptions) {
    return this.answer('findImmutableIdHolders', options, () => this.holders);
  }
  getDomainAuthentication(_upn: string, options?: CloudCallOptions) {
    return this.answer('getDomainAuthentication', options, () => this.domain);
  }
  getUserRoles(_id: string, options?: CloudCallOptions) {
    return this.answer('getUserRoles', options, () => this.roles);
  }
  getRoleAssignableGroups(_id: string, options?: CloudCallOptions) {
    return this.answer('getRoleAssignableGroups', options, () => this.roleGroups);
  }
  getOnPremisesObjectIdentifier(_id: string, options?: CloudCallOptions) {
    return this.answer('getOnPremisesObjectIdentifier', options, () => this.objectIdentifier);
  }
  listVerifiedDomains(options?: CloudCallOptions) {
    return this.answer('listVerifiedDomains', options, () => ['contoso.com', 'contoso.onmicrosoft.com']);
  }
  getSyncFeatures(options?: CloudCallOptions) {
    return this.answer('getSyncFeatures', options, () => this.features);
  }
  searchUsers(): never {
    throw new Error('not used by preflight');
  }
  getUsers(): never {
    throw new Error('not used by preflight');
  }
  getOrganizationSync(): never {
    throw new Error('not used by preflight');
  }
  getLastPasswordSync(): never {
    throw new Error('not used by preflight');
  }
  setImmutableId(): never {
    throw new Error('preflight never writes');
  }
  clearImmutableId(): never {
    throw new Error('preflight never writes');
  }
  async ping(): Promise<void> {}
  describe(): string {
    return 'fake Graph';
  }
}

/** A cloud-only user of the demo tenant, as getUser returns it. */
function cloudDetail(id: string, upn: string, displayName: string): CloudUserDetail {
  const user = cloudOnlyUser(id, upn, displayName);
  return { ...user, mail: user.mail ?? null };
}

function notFound(user: string): UserNotFoundError {
  return new UserNotFoundError(user, {
    status: 404,
    code: 'Request_ResourceNotFound',
    message: `Resource '${user}' does not exist or one of its queried reference-property objects are not present.`,
    details: [],
  });
}

function answer(status: number, code: string, message: string) {
  return { status, code, message, details: [] };
}

async function freshRelay(at: Date = new Date(NOW.getTime() - 5_000)): Promise<RelayPresence> {
  const relay = new RelayPresence(60_000, { relayIds: ['aadc01'] });
  await relay.record(pollRequest('aadc01'), at);
  return relay;
}

function statuses(report: PreflightReport): Partial<Record<PreflightCheckId, string>> {
  return Object.fromEntries(report.checks.filter((c) => c.status !== 'pass').map((c) => [c.id, c.status]));
}

describe('runPreflight', () => {
  let cloud: FakeCloud;
  let services: PreflightServices;
  /** Preflight of `subjects` (Aaron's pair unless given) at {@link NOW}, so heartbeat ages are fixed. */
  const run = (subjects: Partial<PreflightSubjects> = {}, options: PreflightOptions = {}) =>
    runPreflight({ adObjectGuid: APES_GUID, cloudUserId: APES_ID, ...subjects }, services, {
      now: () => NOW,
      ...options,
    });

  beforeEach(async () => {
    cloud = new FakeCloud();
    services = {
      directory: new DemoDirectory(demoDirectoryUsers()),
      cloud,
      relay: await freshRelay(),
      suffixMap: new Map(),
    };
  });

  it('passes Aaron Pescasio’s pair: every check in order, with the value to write and when', async () => {
    const report = await run();
    assert.deepEqual(
      report.checks.map((c) => c.id),
      [...PREFLIGHT_CHECK_IDS],
    );
    assert.deepEqual(statuses(report), {});
    assert.equal(report.verdict, 'pass');
    assert.equal(report.immutableId, guidToImmutableId(APES_GUID));
    assert.equal(report.anchorAttribute, 'objectGUID');
    assert.equal(report.ad.sAMAccountName, 'apes');
    assert.equal(report.cloud.id, APES_ID);
    assert.equal(report.checkedAt, NOW.toISOString());
  });

  it('uses mS-DS-ConsistencyGuid when the AD user has one', async () => {
    const consistencyGuid = '11112222-3333-4444-8555-666677778888';
    const records = demoDirectoryUsers().map((r) =>
      r.sAMAccountName === 'apes' ? { ...r, consistencyGuid } : r,
    );
    services.directory = new DemoDirectory(records);
    const report = await run();
    assert.equal(report.anchorAttribute, 'mS-DS-ConsistencyGuid');
    assert.equal(report.immutableId, guidToImmutableId(consistencyGuid));
  });

  it('fails overall when one check fails, and warns when the worst is a warning', async () => {
    cloud.domain = { domain: 'fabrikam.com', authenticationType: 'Federated', isVerified: true };
    cloud.objectIdentifier = { known: false, reason: 'not returned' };
    const failed = await run();
    assert.deepEqual(statuses(failed), { 'domain-managed': 'fail', 'no-object-identifier': 'warn' });
    assert.equal(failed.verdict, 'fail');
    cloud.domain = { domain: 'contoso.com', authenticationType: 'Managed', isVerified: true };
    const warned = await run();
    assert.equal(warned.verdict, 'warn');
  });

  it('throws PreflightSubjectError naming the side when a user no longer exists', async () => {
    await assert.rejects(run({ adObjectGuid: '99999999-9999-4999-8999-999999999999' }), (err: unknown) => {
      assert.ok(err instanceof PreflightSubjectError);
      assert.equal(err.side, 'ad');
      assert.match(err.message, /99999999-9999-4999-8999-999999999999 no longer exists/);
      return true;
    });
    const gone = '0f6b2d1e-3c4a-4b5d-8e6f-7a8b9c0d1eff';
    await assert.rejects(run({ cloudUserId: gone }), (err: unknown) => {
      assert.ok(err instanceof PreflightSubjectError);
      assert.equal(err.side, 'cloud');
      assert.equal(err.message, `The cloud user ${gone} no longer exists in Entra ID.`);
      return true;
    });
  });

  it('throws the services’ own errors when a user cannot be read for another reason', async () => {
    cloud.failures.set(
      'getUser',
      new GraphThrottledError(answer(429, 'TooManyRequests', 'slow down'), 10, 3),
    );
    await assert.rejects(run(), GraphThrottledError);
    const unreachable = new DirectoryError('unreachable', 'The domain controller dc1 could not be reached.');
    services.directory = {
      search: () => Promise.reject(unreachable),
      find: () => Promise.reject(unreachable),
      listOus: () => Promise.reject(unreachable),
      ping: () => Promise.reject(unreachable),
      describe: () => 'unreachable directory',
    };
    await assert.rejects(run(), /dc1 could not be reached/);
  });

  it('lets one failed Graph read affect only its own check', async () => {
    cloud.failures.set(
      'getUserRoles',
      new GraphPermissionError(
        answer(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.'),
      ),
    );
    const report = await run();
    assert.deepEqual(statuses(report), { 'no-privileged-role': 'fail' });
    const roles = report.checks.find((c) => c.id === 'no-privileged-role')!;
    assert.match(
      roles.detail,
      /^could not check: Anchor's identity is not allowed to do this\. Graph answered 403/,
    );
    assert.match(roles.fix ?? '', /RoleManagement\.Read\.Directory application permission/);
    assert.equal(report.verdict, 'fail');
  });

  it('fails both checks fed by the ImmutableId holders when they cannot be read', async () => {
    cloud.failures.set(
      'findImmutableIdHolders',
      new Error('Microsoft Graph did not answer within 20000 ms (1 attempt(s)).'),
    );
    const report = await run();
    assert.deepEqual(statuses(report), { 'anchor-unique': 'fail', 'no-synced-twin': 'fail' });
    assert.equal(report.verdict, 'fail');
  });

  it('passes the deadline to every Graph read', async () => {
    const deadline = NOW.getTime() + 15_000;
    await run({}, { deadline });
    assert.deepEqual(cloud.calls.map((c) => c.method).sort(), [
      'findImmutableIdHolders',
      'getDomainAuthentication',
      'getOnPremisesObjectIdentifier',
      'getRoleAssignableGroups',
      'getSyncFeatures',
      'getUser',
      'getUserRoles',
      'listVerifiedDomains',
    ]);
    assert.ok(cloud.calls.every((c) => c.options?.deadline === deadline));
  });

  it('starts the other reads together, not one after the other', async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const original = cloud.getUser.bind(cloud);
    cloud.getUser = async (id, options) => {
      const user = await original(id, options);
      cloud.gate = gate; // hold every later read until all of them have started
      return user;
    };
    const running = run();
    while (cloud.calls.length < 7) await new Promise((resolve) => setImmediate(resolve));
    open();
    assert.equal((await running).verdict, 'pass');
  });

  it('fails the sync-server check without a relay, and when the relay went quiet', async () => {
    services.relay = null;
    const none = await run();
    assert.deepEqual(statuses(none), { 'sync-server': 'fail' });
    services.relay = await freshRelay(new Date(NOW.getTime() - 120_000));
    const stale = await run();
    const check = stale.checks.find((c) => c.id === 'sync-server')!;
    assert.equal(check.status, 'fail');
    assert.match(check.detail, /last polled at 2026-11-25 09:58:30 UTC \(120 s ago\)/);
  });
});
