import assert from 'node:assert/strict';
import type { CloudDirectory } from '../../../../src/services/entra/cloud-directory';
import { LdapDirectory } from '../../../../src/shared/directory/ldap-directory';
import { findLinkCandidates } from '../../../../src/services/link/candidates';
import { runPreflight } from '../../../../src/services/link/preflight/run-preflight';
import { RelayPresence } from '../../../../src/services/relay/presence';
import { demoGraphSeed } from '../../../../src/sim/demo/demo-graph-seed';
import { DEMO_TENANT, cloudOnlyUser } from '../../../../src/sim/demo/demo-tenant';
import { GraphSimulator } from '../../../../src/sim/graph/graph-simulator';
import { sharedSambaDc } from '../../../support/fixtures';
import { cloudOn } from '../../../support/graph-sim';
import { pollRequest } from '../../../support/relay-messages';

/**
 * Issue 16's "done when": Samba's `apes` has the UPN apes@corp.example.test, a suffix the tenant
 * did not verify (as most real hybrid directories have), and the Graph simulator over HTTP holds
 * the cloud-only apes@contoso.com.
 */
describe('pair matching across UPN suffixes (Samba AD DC and the Graph simulator)', function () {
  let directory: LdapDirectory;
  let sim: GraphSimulator;
  let cloud: CloudDirectory;

  before(async function () {
    this.timeout(300_000);
    const dc = await sharedSambaDc();
    directory = new LdapDirectory(dc.ldapOptions());
    sim = new GraphSimulator(demoGraphSeed(DEMO_TENANT.tenantId));
    cloud = await cloudOn(sim, DEMO_TENANT.tenantId);
    // The cloud users the e2e link flow adds, so its searches are checked here too.
    for (const user of [
      cloudOnlyUser('e2e00000-0000-4000-8000-000000000001', 'zoe.angstrom@contoso.com', 'Zoë Ångström-Nuñez'),
      cloudOnlyUser('e2e00000-0000-4000-8000-000000000002', 'consuela.guidry@contoso.com', 'Consuela Guidry'),
      cloudOnlyUser(
        'e2e00000-0000-4000-8000-000000000003',
        'cguidry.old@contoso.com',
        'Consuela Guidry (old)',
      ),
      cloudOnlyUser('e2e00000-0000-4000-8000-000000000004', 'tyamada@contoso.com', '山田 太郎'),
    ]) {
      sim.state.addUser(user);
    }
  });

  after(async () => {
    await directory?.close();
    await sim?.stop();
  });

  it('`link user apes` preselects Aaron’s pair as strong, learning the domains from the tenant', async () => {
    const found = await findLinkCandidates('apes', { directory, cloud, suffixMap: new Map() });
    assert.equal(found.ad.users[0]?.userPrincipalName, 'apes@corp.example.test', found.ad.error ?? '');
    assert.equal(found.match.kind, 'clear', JSON.stringify(found.match.kind));
    const pair = found.preselected!;
    assert.equal(pair.ad.sAMAccountName, 'apes');
    assert.equal(pair.cloud.userPrincipalName, 'apes@contoso.com');
    assert.equal(pair.confidence, 'strong', `score ${pair.score}`);
    // The mail apes@corp.example.test shares its name with the cloud UPN under apes's own UPN suffix.
    assert.deepEqual(pair.evidence.map((e) => e.reason).sort(), [
      'same-login',
      'same-mailbox-name',
      'same-name',
      'same-upn-name',
    ]);
  });

  it('names the suffix map in the evidence when UPN_SUFFIX_MAP maps corp.example.test', async () => {
    const suffixMap = new Map([['corp.example.test', 'contoso.com']]);
    const found = await findLinkCandidates('apes', { directory, cloud, suffixMap });
    assert.equal(found.preselected?.confidence, 'strong');
    assert.match(
      found.preselected!.evidence[0].text,
      /^AD UPN apes@corp\.example\.test maps to apes@contoso\.com \(corp\.example\.test → contoso\.com\)$/,
    );
  });

  for (const [text, sam, upn] of [
    ['zoe.angstrom', 'zangstrom', 'zoe.angstrom@contoso.com'],
    ['consuela.guidry', 'cguid', 'consuela.guidry@contoso.com'],
    ['tyamada', 'tyamada', 'tyamada@contoso.com'],
  ] as const) {
    it(`\`link user ${text}\` preselects ${sam} ↔ ${upn} (the pairs the e2e link flow checks)`, async () => {
      const found = await findLinkCandidates(text, { directory, cloud, suffixMap: new Map() });
      const pair = found.preselected;
      assert.ok(pair, `${found.match.kind}: ${JSON.stringify(found.match).slice(0, 600)}`);
      assert.equal(`${pair.ad.sAMAccountName} ↔ ${pair.cloud.userPrincipalName}`, `${sam} ↔ ${upn}`);
      assert.equal(pair.confidence, 'strong', `score ${pair.score}`);
    });
  }

  it('the preflight of that pair has no plausibility warning', async () => {
    const found = await findLinkCandidates('apes', { directory, cloud, suffixMap: new Map() });
    const pair = found.preselected!;
    const relay = new RelayPresence(60_000, { relayIds: ['aadc01'] });
    await relay.record(pollRequest('aadc01'));
    const report = await runPreflight(
      { adObjectGuid: pair.ad.objectGuid, cloudUserId: pair.cloud.id },
      { directory, cloud, relay, suffixMap: new Map() },
      { deadline: Date.now() + 20_000 },
    );
    const samePerson = report.checks.find((c) => c.id === 'same-person')!;
    assert.equal(samePerson.status, 'pass', samePerson.detail);
    assert.match(samePerson.detail, /^apes and apes@contoso\.com: strong match \(/);
    assert.ok(!report.checks.some((c) => /may not be the same person/.test(c.detail)));
  });
});
