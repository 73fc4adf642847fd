import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LinkRequest } from '../../../../src/services/link/link-request';
import { runPreflight } from '../../../../src/services/link/preflight/run-preflight';
import type { PreflightReport } from '../../../../src/services/link/preflight/report';
import { PROJECT_ROOT } from '../../../../src/shared/paths';
import { AD_VIEW_ENV, GRAPH_URL_ENV } from '../../../../src/sim/adsync-host/graph-sync';
import { adViewOf } from '../../../../src/sim/demo/ad-view';
import { DemoDirectory } from '../../../../src/sim/demo/demo-directory';
import { demoGraphSeed } from '../../../../src/sim/demo/demo-graph-seed';
import { DEMO_TENANT, demoDirectoryUsers } from '../../../../src/sim/demo/demo-tenant';
import { GraphSimulator } from '../../../../src/sim/graph/graph-simulator';
import type { SyncReport } from '../../../../src/sim/graph/graph-simulator';
import { memoryLogger } from '../../../support/memory-logger';
import { RelayHarness } from '../../../support/relay-harness';

/** One row of the README's demo table: a pair and the marks its preflight shows. */
interface Scenario {
  sam: string;
  upn: string;
  /** What the preflight shows: ✗ or ⚠ before each check title that does not pass. */
  cell: string;
}

/** The rows of the table under "### The demo tenant" in README.md. */
function readmeScenarios(): Scenario[] {
  const readme = readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
  const section = readme.split('### The demo tenant')[1]?.split('\n#')[0] ?? '';
  const rows = section.split('\n').filter((l) => /^\| `[^`]+` +\|/.test(l));
  const code = (cell: string) => /`([^`]+)`/.exec(cell)?.[1] ?? '';
  return rows
    .map((row) => row.split('|').map((c) => c.trim()))
    .filter((cells) => code(cells[2]) !== '') // not the header
    .map((cells) => ({ sam: code(cells[2]), upn: code(cells[3]), cell: cells[4] }));
}

/** The marks a README cell names, by the titles the preflight uses; every mark must name a check. */
function marksIn(cell: string, titles: readonly string[]): Record<string, string> {
  const marks: Record<string, string> = {};
  for (const title of titles) {
    const found = new RegExp(`([✗⚠]) ${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`).exec(cell);
    if (found) marks[title] = found[1];
  }
  assert.equal(Object.keys(marks).length, (cell.match(/[✗⚠]/g) ?? []).length, `unknown check in: ${cell}`);
  return marks;
}

/** What the report shows, as the README says it: title → ✗ or ⚠ for each check that did not pass. */
function marksOf(report: PreflightReport): Record<string, string> {
  return Object.fromEntries(
    report.checks.filter((c) => c.status !== 'pass').map((c) => [c.title, c.status === 'fail' ? '✗' : '⚠']),
  );
}

/**
 * The demo stays true: the demo tenant's AD (the whole of it, as the demo exports it) and cloud,
 * the real bot, the relay as a child process with the stand-in ADSync host, whose delta runs the
 * Graph simulator's sync engine over HTTP. Every pair of the README's table shows what the README
 * says, before and after one link.
 */
describe('demo tenant: every README scenario, before and after one link', function () {
  this.timeout(120_000);
  const { logger } = memoryLogger();
  const directory = new DemoDirectory(demoDirectoryUsers());
  let dir: string;
  let graph: GraphSimulator;
  let h: RelayHarness;
  const scenarios = readmeScenarios();

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'anchor-demo-scenarios-'));
    graph = new GraphSimulator(demoGraphSeed(DEMO_TENANT.tenantId));
    await graph.start();
    await graph.startAuthority();
    const viewPath = path.join(dir, 'ad-view.json');
    writeFileSync(viewPath, JSON.stringify(adViewOf(directory.all())));
    h = await RelayHarness.create({
      graph,
      dir,
      logger,
      relayEnv: { [GRAPH_URL_ENV]: graph.baseUrl, [AD_VIEW_ENV]: viewPath },
    });
    await h.startBot();
    await h.startRelayAndWait();
    // As an admin would find it a moment after start: the relay has read the scheduler once.
    await h.until('the relay to report staging mode', async () => (await h.relayHealth()).staging === false);
  });

  after(async () => {
    await h?.stop();
    await graph?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function preflight(s: Scenario): Promise<PreflightReport> {
    const ad = (await directory.find('sAMAccountName', s.sam)).users[0];
    assert.ok(ad, `no AD account ${s.sam} in the demo AD`);
    const cloud = await h.cloud!.getUser(s.upn);
    return runPreflight(
      { adObjectGuid: ad.objectGuid, cloudUserId: cloud.id },
      { directory, cloud: h.cloud!, relay: h.app!.relay, suffixMap: new Map() },
      { deadline: Date.now() + 20_000 },
    );
  }

  async function assertAsReadme(rows: Scenario[]): Promise<void> {
    for (const s of rows) {
      const report = await preflight(s);
      const expected = marksIn(
        s.cell,
        report.checks.map((c) => c.title),
      );
      assert.deepEqual(marksOf(report), expected, `link user ${s.sam}: ${s.cell}`);
    }
  }

  it('reads the table: six pairs, exactly one without a ✗ (the pair to link)', () => {
    assert.deepEqual(
      scenarios.map((s) => s.sam),
      ['apes', 'apeters', 'lrobbins', 'jdoe', 'diegos', 'miriamg'],
    );
    assert.deepEqual(
      scenarios.filter((s) => !s.cell.includes('✗')).map((s) => s.sam),
      ['apes'],
    );
  });

  it('shows every pair as the README says before any link', async () => {
    await assertAsReadme(scenarios);
  });

  it('links the pair to link through the relay, and every other pair still shows the same', async () => {
    const toLink = scenarios.find((s) => !s.cell.includes('✗'))!;
    const others = scenarios.filter((s) => s !== toLink);
    const users = () => [...graph.state.users.values()].map((u) => `${u.id} ${u.userPrincipalName}`).sort();
    const deleted = () => [...graph.state.deletedUsers.keys()].sort();
    const [usersBefore, deletedBefore] = [users(), deleted()];

    const request = await linkThroughTheBot(toLink);
    assert.equal(request.state, 'linked', JSON.stringify(request.run?.failure));

    // The one delta the link ran exported the whole demo AD and matched Aaron, nothing else.
    const deltas = h.adsync.history().filter((e) => e.cmdlet === 'Start-ADSyncSyncCycle');
    assert.equal(deltas.length, 1);
    const report = (deltas[0].graphSync as { report?: SyncReport }).report!;
    assert.deepEqual(
      report.matched.map((m) => m.userPrincipalName),
      [toLink.upn],
    );
    assert.deepEqual([report.created, report.deleted, report.errors], [[], [], []]);
    assert.deepEqual(users(), usersBefore, 'no user created, renamed or deleted');
    assert.deepEqual(deleted(), deletedBefore, 'the recycle bin is as it was');

    await assertAsReadme(others);
  });

  /** Preflight, draft, request by Megan, approval by Adele: the run the bot starts on approval. */
  async function linkThroughTheBot(s: Scenario): Promise<LinkRequest> {
    const link = h.app!.link;
    const requester = { aadObjectId: DEMO_TENANT.requester.aadObjectId, name: DEMO_TENANT.requester.name };
    const approver = { aadObjectId: DEMO_TENANT.approver.aadObjectId, name: DEMO_TENANT.approver.name };
    const report = await preflight(s);
    const draftId = await link.saveDraft(requester.aadObjectId, report);
    const filed = await link.file({
      draft: await link.draft(draftId, requester.aadObjectId),
      requester,
      reason: 'Demo: link the pending account before the next cycle',
      acknowledged: report.checks.filter((c) => c.status === 'warn').map((c) => c.id),
      correlationId: 'demo-scenarios',
    });
    await link.decide(filed.id, approver, 'approved');
    let current: LinkRequest | undefined;
    await h.until(
      'the run to end',
      async () => {
        current = await link.get(filed.id);
        return current?.state === 'linked' || current?.state === 'failed';
      },
      90_000,
    );
    return current!;
  }
});
