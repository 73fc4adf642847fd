import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DirectoryService } from '../../../../src/shared/directory/ad-directory';
import { DirectoryError } from '../../../../src/shared/directory/directory-error';
import { LdapDirectory } from '../../../../src/shared/directory/ldap-directory';
import type { LdapOptions } from '../../../../src/shared/directory/ldap-options';
import { RelayError } from '../../../../src/services/relay/relay-client';
import type { DirectoryHealth } from '../../../../src/services/health/directory-probe';
import type { DirectoryParams } from '../../../../src/shared/relay-protocol/directory-jobs';
import { demoGraphSeed } from '../../../../src/sim/demo/demo-graph-seed';
import { DEMO_TENANT } from '../../../../src/sim/demo/demo-tenant';
import { GraphSimulator } from '../../../../src/sim/graph/graph-simulator';
import { sharedSambaDc } from '../../../support/fixtures';
import { fetchHealth } from '../../../support/health';
import { HOSTILE_STRINGS } from '../../../support/hostile-values';
import { memoryLogger } from '../../../support/memory-logger';
import { pollRequest } from '../../../support/relay-messages';
import { HARNESS_RELAY_ID, RelayHarness } from '../../../support/relay-harness';
import { SYNCED_OU } from '../../../support/samba-dc';
import type { SambaDc } from '../../../support/samba-dc';

const BULK_PREFIX = 'relaybulk';
const BULK_COUNT = 60;
const MAPPING = { syncScopeOus: [SYNCED_OU], sourceAnchor: 'auto' as const };

/** What a read gave: its answer, or the error's kind and words. */
type Outcome = { ok: unknown } | { kind: string; message: string };

/** As JSON has it: a key whose value is undefined (no ConsistencyGuid, no title) is left out. */
function asJson<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

async function outcomeOf(read: () => Promise<unknown>): Promise<Outcome> {
  try {
    return { ok: asJson(await read()) };
  } catch (err) {
    assert.ok(err instanceof DirectoryError, `expected a DirectoryError, got ${String(err)}`);
    return { kind: err.kind, message: err.message };
  }
}

/**
 * The same read through the relay and directly: the same answer, or the same error kind with the
 * same words, which through the relay may add where it happened.
 */
function assertSameOutcome(viaRelay: Outcome, direct: Outcome, what: string): void {
  if ('ok' in direct) {
    assert.deepEqual(viaRelay, direct, what);
    return;
  }
  assert.ok(
    'kind' in viaRelay,
    `${what}: the relay read succeeded where the direct one failed (${direct.message})`,
  );
  assert.equal(viaRelay.kind, direct.kind, `${what}: ${viaRelay.message}`);
  assert.ok(
    viaRelay.message === direct.message ||
      viaRelay.message === `${direct.message} (through the relay on ${HARNESS_RELAY_ID})`,
    `${what}: "${viaRelay.message}" is not "${direct.message}"`,
  );
}

/**
 * Issue 19 on real parts: AD read through the relay. The real Anchor app (createApp with
 * DIRECTORY_SOURCE=relay) queues signed directory jobs; the relay, a child process with its own
 * LDAP_* settings, runs them with the same LdapDirectory against the Samba AD DC. Every read is
 * compared with the same read made directly over LDAPS.
 */
describe('AD reads through the relay: Anchor app, relay process, Samba AD DC', function () {
  this.timeout(120_000);
  const { logger } = memoryLogger();
  let dir: string;
  let dc: SambaDc;
  let graph: GraphSimulator;
  let h: RelayHarness;
  let direct: LdapDirectory;
  const opened: LdapDirectory[] = [];
  let viaRelay: DirectoryService;

  const openDirect = (overrides: Partial<LdapOptions> = {}) => {
    const d = new LdapDirectory(dc.ldapOptions({ ...MAPPING, ...overrides }));
    opened.push(d);
    return d;
  };

  /** The relay's LDAP settings: the DC's, without the bot's mapping (it comes with each job). */
  const relayLdapEnv = (overrides: Record<string, string> = {}) => {
    const { LDAP_SYNC_OUS: _scope, ...env } = dc.ldapEnv();
    return { ...env, LDAP_CONNECT_TIMEOUT_MS: '3000', LDAP_TIMEOUT_MS: '5000', ...overrides };
  };

  /** Restarts the relay with other LDAP settings and waits until it polls again. */
  async function restartRelay(ldapEnv: Record<string, string>): Promise<void> {
    await h.stopRelay();
    await h.startRelayAndWait(ldapEnv);
  }

  before(async function () {
    this.timeout(300_000);
    dir = mkdtempSync(path.join(os.tmpdir(), 'anchor-relay-directory-'));
    dc = await sharedSambaDc();
    await dc.seedBulk(BULK_PREFIX, BULK_COUNT);
    direct = openDirect();
    graph = new GraphSimulator(demoGraphSeed(DEMO_TENANT.tenantId));
    await graph.start();
    await graph.startAuthority();
    // The bot has no LDAP password: only where AD is read (the relay) and the mapping.
    h = await RelayHarness.create({
      graph,
      dir,
      logger,
      botEnv: { DIRECTORY_SOURCE: 'relay', LDAP_SYNC_OUS: SYNCED_OU },
    });
    await h.startBot();
    await h.startRelayAndWait(relayLdapEnv());
    viaRelay = h.app!.directory;
  });

  after(async () => {
    await h?.stop();
    await graph?.stop();
    await Promise.all(opened.map((d) => d.close()));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  describe('every operation equals the direct read', () => {
    const searches = [
      'Pesc',
      'zoe.angstrom@corp',
      'Ångström',
      '山田',
      'Pat (Con',
      'Back\\Slash',
      '*',
      'nobody',
    ];
    for (const text of searches) {
      it(`search ${JSON.stringify(text)}`, async () => {
        const relayed = await viaRelay.search(text);
        assert.deepEqual(relayed, asJson(await direct.search(text)));
      });
    }

    it(`search with more matches than the limit (${BULK_COUNT} users, 25 returned, the rest counted)`, async () => {
      const relayed = await viaRelay.search(BULK_PREFIX);
      assert.equal(relayed.users.length, 25);
      assert.equal(relayed.more, BULK_COUNT - 25);
      assert.deepEqual(relayed, asJson(await direct.search(BULK_PREFIX)));
      assert.deepEqual(
        await viaRelay.search(BULK_PREFIX, { limit: 3 }),
        asJson(await direct.search(BULK_PREFIX, { limit: 3 })),
      );
    });

    it('find by login, UPN, mail, objectGUID and ImmutableId (the holder of an anchor value)', async () => {
      const [apes] = (await direct.find('sAMAccountName', 'apes')).users;
      const lookups: [Parameters<DirectoryService['find']>[0], string][] = [
        ['sAMAccountName', 'APES'],
        ['userPrincipalName', apes.userPrincipalName!],
        ['mail', apes.mail!],
        ['objectGuid', apes.objectGuid],
        ['sourceAnchor', apes.sourceAnchor.immutableId],
        ['sAMAccountName', 'ape'],
      ];
      for (const [by, value] of lookups) {
        assert.deepEqual(
          await viaRelay.find(by, value),
          asJson(await direct.find(by, value)),
          `${by} ${value}`,
        );
      }
      assert.equal((await viaRelay.find('objectGuid', apes.objectGuid)).users[0].dn, apes.dn);
    });

    it('judges sync scope and anchor by the bot’s settings: a user outside LDAP_SYNC_OUS is out of scope', async () => {
      const [svc] = (await viaRelay.find('sAMAccountName', 'svc-backup')).users;
      assert.equal(svc.inSyncScope, false);
      const [apes] = (await viaRelay.find('sAMAccountName', 'apes')).users;
      assert.equal(apes.inSyncScope, true);
    });

    it('lists the OUs and answers a ping', async () => {
      assert.deepEqual(await viaRelay.listOus(), await direct.listOus());
      assert.ok((await viaRelay.listOus()).includes(SYNCED_OU));
      await viaRelay.ping();
    });
  });

  describe('hostile input', () => {
    const table = [
      ...HOSTILE_STRINGS,
      { name: 'a filter injection', value: '*)(objectClass=*' },
      { name: 'an OR injection', value: '*)(|(sAMAccountName=*' },
      { name: 'a lone backslash', value: '\\' },
      { name: 'an escaped star', value: '\\2a' },
      { name: 'ESC', value: 'ap\u001bes' },
      { name: '250 characters', value: 'x'.repeat(250) },
      { name: '500 characters', value: 'a'.repeat(500) },
    ];
    for (const { name, value } of table) {
      it(`${name}: the same answer or refusal as direct, for search and find`, async () => {
        assertSameOutcome(
          await outcomeOf(() => viaRelay.search(value)),
          await outcomeOf(() => direct.search(value)),
          `search ${name}`,
        );
        for (const by of ['sAMAccountName', 'mail', 'objectGuid', 'sourceAnchor'] as const) {
          assertSameOutcome(
            await outcomeOf(() => viaRelay.find(by, value)),
            await outcomeOf(() => direct.find(by, value)),
            `find ${by} ${name}`,
          );
        }
      });
    }

    it('the relay itself refuses a signed job whose text the bot did not check, with the directory’s words', async () => {
      // Straight onto the queue, past RelayDirectory's own checks: the relay's LdapDirectory decides.
      const params: DirectoryParams = { text: 'ap\u001bes', limit: 5, mapping: MAPPING };
      const err = await h.client.run('directory-search', { params }).then(
        () => assert.fail('the relay read text with a NUL'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof RelayError && err.result?.directory?.error, String(err));
      assert.deepEqual(err.result.directory.error, {
        kind: 'invalid-input',
        message: 'The search text contains a control character (U+001B); no AD name or address can match it.',
      });
    });

    it('the relay refuses a job whose parameters break the schema (too long, too many, unknown keys)', async () => {
      const bad = [
        { text: 'x'.repeat(257), limit: 5, mapping: MAPPING },
        { text: 'a\u0000b', limit: 5, mapping: MAPPING },
        { text: 'apes', limit: 10_000, mapping: MAPPING },
        { text: 'apes', limit: 5, mapping: MAPPING, filter: '(objectClass=*)' },
        { text: 'apes', limit: 5, mapping: { ...MAPPING, sourceAnchor: 'employeeID' } },
      ];
      for (const params of bad) {
        const err = await h.client
          .run('directory-search', { params: params as unknown as DirectoryParams })
          .then(
            () => assert.fail(`the relay ran ${JSON.stringify(params).slice(0, 80)}`),
            (e: unknown) => e,
          );
        assert.ok(err instanceof RelayError, String(err));
        assert.equal(err.kind, 'refused', err.message);
        assert.match(err.message, /the job's parameters are malformed/);
        assert.equal(err.result?.reason, 'invalid-params');
      }
      assert.match(h.relayLog, /job refused/);
    });
  });

  describe('directory errors keep their meaning across the hop', () => {
    afterEach(async () => {
      await restartRelay(relayLdapEnv());
    });

    it('a wrong bind password on the relay: bind-failed, naming the account and never the password', async () => {
      await restartRelay(relayLdapEnv({ LDAP_BIND_PASSWORD: 'Wrong-Password-123!' }));
      const relayed = await outcomeOf(() => viaRelay.search('apes'));
      assertSameOutcome(
        relayed,
        await outcomeOf(() => openDirect({ bindPassword: 'Wrong-Password-123!' }).search('apes')),
        'bind',
      );
      assert.ok('kind' in relayed && relayed.kind === 'bind-failed');
      assert.match(relayed.message, /through the relay on aadc01/);
      assert.doesNotMatch(relayed.message + h.relayLog, /Wrong-Password/);
    });

    it('a DC that does not answer: unreachable', async () => {
      await restartRelay(relayLdapEnv({ LDAP_URL: 'ldaps://127.0.0.1:1' }));
      const relayed = await outcomeOf(() => viaRelay.ping());
      assertSameOutcome(
        relayed,
        await outcomeOf(() => openDirect({ url: 'ldaps://127.0.0.1:1' }).ping()),
        'down',
      );
      assert.ok('kind' in relayed && relayed.kind === 'unreachable');
    });

    it('a certificate the relay does not trust: tls-untrusted, naming LDAP_CA_FILE', async () => {
      await restartRelay(relayLdapEnv({ LDAP_CA_FILE: '' }));
      const relayed = await outcomeOf(() => viaRelay.search('apes'));
      assertSameOutcome(
        relayed,
        await outcomeOf(() => openDirect({ caFile: undefined }).search('apes')),
        'tls',
      );
      assert.ok('kind' in relayed && relayed.kind === 'tls-untrusted');
      assert.match(relayed.message, /LDAP_CA_FILE/);
    });

    it('a relay without LDAP settings says so', async () => {
      await h.stopRelay();
      await h.startRelayAndWait({ LDAP_URL: '' });
      const relayed = await outcomeOf(() => viaRelay.search('apes'));
      assert.ok('kind' in relayed, 'a relay without LDAP settings answered');
      assert.match(relayed.message, /the relay on aadc01 has no LDAP settings: add LDAP_URL/);
    });
  });

  describe('beside the sync server', () => {
    it('a read answers while a slow sync-server job still runs on the relay', async () => {
      h.adsync.set({ slowMs: 3000 }); // every ADSync cmdlet of the stand-in waits 3 s
      try {
        let statusDone = 0;
        const status = h.client.status().then(() => (statusDone = Date.now()));
        await new Promise((r) => setTimeout(r, 500)); // the relay has the status job in hand
        const started = Date.now();
        const found = await viaRelay.search(BULK_PREFIX, { limit: 5 });
        const readDone = Date.now();
        assert.equal(found.users.length, 5);
        assert.equal(statusDone, 0, 'the read did not wait for the sync-server job');
        assert.ok(readDone - started < 2500, `the read took ${readDone - started} ms`);
        await status;
      } finally {
        h.adsync.set({ slowMs: 0 });
      }
    });
  });

  describe('several instances', () => {
    it('a read on an instance the relay does not poll is picked up through the shared store', async () => {
      const peer = await h.startPeer();
      const [apes] = (await direct.find('sAMAccountName', 'apes')).users;
      assert.deepEqual(await peer.directory.search('Pesc'), asJson(await direct.search('Pesc')));
      assert.deepEqual(
        await peer.directory.find('objectGuid', apes.objectGuid),
        asJson(await direct.find('objectGuid', apes.objectGuid)),
      );
    });
  });

  describe('relay offline', () => {
    it('says AD cannot be read and since when the relay has not been seen; reads work again once it polls', async () => {
      await h.stopRelay();
      const lastPoll = new Date(Date.now() - 5 * 60_000);
      await h.app!.relay.record(pollRequest(HARNESS_RELAY_ID), lastPoll);
      const relayed = await outcomeOf(() => viaRelay.search('apes'));
      assert.ok('kind' in relayed, 'read through an offline relay');
      assert.equal(relayed.kind, 'unreachable');
      assert.match(relayed.message, /^AD cannot be read: the relay on aadc01 has not been seen since /);
      await h.startRelayAndWait(relayLdapEnv());
      assert.equal((await viaRelay.search('Pesc')).users[0].sAMAccountName, 'apes');
    });
  });

  describe('status and /healthz', () => {
    it('say where AD is read and how fast recent reads were', async () => {
      const res = await fetchHealth(`http://127.0.0.1:${h.port}`);
      const body = (await res.json()) as {
        dependencies: { directory: DirectoryHealth; relay: { directory: string } };
      };
      const health = body.dependencies.directory;
      assert.equal(health.state, 'ok', health.detail);
      assert.equal(health.placement, 'relay');
      assert.match(health.detail, /^via relay aadc01 · p50 \d+ ms, p95 \d+ ms$/);
      assert.ok(health.latency && health.latency.reads > 10, JSON.stringify(health.latency));
      assert.match(body.dependencies.relay.directory, /^ldaps:\/\/127\.0\.0\.1:636/);
      assert.doesNotMatch(JSON.stringify(body), new RegExp(dc.adminPassword.replace(/[^\w]/g, '.')));
    });
  });
});
