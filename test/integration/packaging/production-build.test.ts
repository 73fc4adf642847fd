import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../../../src/shared/paths';
import { unzip } from '../../../src/packaging/zip';
import { demoGraphSeed } from '../../../src/sim/demo/demo-graph-seed';
import { DEMO_GRAPH_APP, DEMO_TENANT } from '../../../src/sim/demo/demo-tenant';
import { GraphSimulator } from '../../../src/sim/graph/graph-simulator';
import { createSelfSignedCertificate } from '../../../src/sim/self-signed';
import { STAND_IN_PWSH, ldapEnvOf } from '../../../src/sim/demo/demo-relay';
import { STATE_ENV } from '../../../src/sim/adsync-host/state';
import { AnchorProcess, freePort } from '../../support/anchor-process';
import { appEnvironment, relayPair } from '../../support/azure-template';
import type { Azurite } from '../../support/azurite';
import { sharedAzurite, sharedSambaDc } from '../../support/fixtures';
import { TEST_HEALTH_TOKEN, fetchHealth, healthReport } from '../../support/health';
import { postWithoutToken } from '../../support/production-process';
import { generateSigningKeyPair } from '../../../src/shared/relay-protocol/request-signing';

/** Runs an npm script of the checkout; fails the test with its output when it fails. */
function npmRun(script: string): string {
  const result = spawnSync('npm', ['run', '--silent', script], { cwd: PROJECT_ROOT, encoding: 'utf8' });
  assert.equal(result.status, 0, `npm run ${script} failed:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/**
 * What ships, run as it runs in production: `npm run build` and `npm run package:relay`, then the
 * bot as App Service starts it (`node dist/src/main.js`, production mode, the app settings
 * infra/azure.bicep sets) and the relay from its zip on plain Node, reading AD for the bot.
 *
 * Loopback cannot give two things Azure gives: a managed identity (no identity endpoint here), so
 * the bot signs in to the Graph simulator with a client secret; and Entra-authenticated Blob
 * Storage, so the state is in Azurite reached by its connection string. Every other setting is the
 * template's.
 */
describe('the production build and the relay package (real processes)', function () {
  this.timeout(300_000);
  const work = mkdtempSync(path.join(os.tmpdir(), 'anchor-production-build-'));
  const relayDir = path.join(work, 'relay');
  const botPair = generateSigningKeyPair();
  let graph: GraphSimulator;
  let azurite: Azurite;
  let bot: AnchorProcess | undefined;
  let relay: AnchorProcess | undefined;
  let base: string;
  let relayPackageOutput: string;

  before(async () => {
    relayPackageOutput = npmRun('package:relay'); // builds first: npm run build && …
    // Production takes Graph over https only: the simulator serves it so, and the bot trusts its
    // throwaway certificate as it would a TLS-inspecting proxy's CA (NODE_EXTRA_CA_CERTS).
    const tls = await createSelfSignedCertificate();
    const graphCaFile = path.join(work, 'graph-ca.pem');
    writeFileSync(graphCaFile, tls.cert);
    graph = new GraphSimulator(demoGraphSeed(DEMO_TENANT.tenantId), { tls });
    const graphUrl = await graph.start(0);
    const authorityHost = await graph.startAuthority();
    const caFile = path.join(work, 'authority-ca.pem');
    writeFileSync(caFile, graph.authorityCaPem);
    azurite = await sharedAzurite();
    const dc = await sharedSambaDc();

    const template = appEnvironment('relay', { 'bot-signing-key': botPair.privateKey });
    const { AZURE_USE_MANAGED_IDENTITY: _mi, AZURE_STORAGE_ACCOUNT_URL: _url, ...settings } = template;
    const port = await freePort();
    bot = AnchorProcess.start(
      {
        ...settings,
        PORT: String(port),
        HOST: '127.0.0.1',
        ANCHOR_TENANT_ID: DEMO_TENANT.tenantId,
        MicrosoftAppTenantId: DEMO_TENANT.tenantId,
        AZURE_CLIENT_ID: DEMO_GRAPH_APP.clientId,
        AZURE_CLIENT_SECRET: DEMO_GRAPH_APP.clientSecret,
        GRAPH_BASE_URL: graphUrl,
        AZURE_AUTHORITY_HOST: authorityHost,
        AZURE_AUTHORITY_CA_FILE: caFile,
        AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
        NODE_EXTRA_CA_CERTS: graphCaFile,
        AZURE_STORAGE_CONTAINER: `anchor-build-${process.pid}`,
        HEALTH_TOKEN: TEST_HEALTH_TOKEN,
      },
      'dist/src/main.js',
      { built: true },
    );
    await bot.waitFor(/Anchor listening/);
    base = `http://127.0.0.1:${port}`;

    const zipFile = path.join(PROJECT_ROOT, 'dist', 'anchor-relay-0.1.0.zip');
    for (const entry of unzip(readFileSync(zipFile))) {
      const file = path.join(relayDir, entry.name);
      spawnSync('mkdir', ['-p', path.dirname(file)]);
      writeFileSync(file, entry.data);
    }
    relay = AnchorProcess.start(
      {
        RELAY_ID: 'sync01',
        RELAY_BOT_URL: base,
        RELAY_PRIVATE_KEY: relayPair.privateKey,
        RELAY_BOT_PUBLIC_KEY: botPair.publicKey,
        RELAY_PWSH: STAND_IN_PWSH,
        RELAY_STATE_FILE: path.join(work, 'relay-state.json'),
        [STATE_ENV]: path.join(work, 'adsync-state.json'),
        ...ldapEnvOf(dc.ldapEnv()),
      },
      path.join('dist', 'src', 'relay-agent', 'main.js'),
      { built: true, cwd: relayDir },
    );
    await relay.waitFor(/relay started/);
  });

  after(async () => {
    await relay?.stop();
    await bot?.stop();
    await graph?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('packs the relay with only what it requires', () => {
    assert.match(relayPackageOutput, /Relay package: dist\/anchor-relay-0\.1\.0\.zip \(\d+ files/);
    const manifest = JSON.parse(readFileSync(path.join(relayDir, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    assert.deepEqual(Object.keys(manifest.dependencies), [
      'dotenv',
      'ldapts',
      'node-powershell',
      'pino',
      'proper-lockfile',
      'zod',
    ]);
    const names = unzip(readFileSync(path.join(PROJECT_ROOT, 'dist', 'anchor-relay-0.1.0.zip'))).map(
      (e) => e.name,
    );
    for (const absent of [
      'dist/src/bot/',
      'dist/src/services/',
      'dist/src/sim/',
      'node_modules/botbuilder/',
      'node_modules/restify/',
    ]) {
      assert.ok(!names.some((n) => n.startsWith(absent)), `the relay package holds ${absent}`);
    }
    for (const present of [
      'infra/relay/install-relay.ps1',
      'infra/relay/README.md',
      'infra/relay/relay.env.sample',
    ]) {
      assert.ok(names.includes(present), `the relay package lacks ${present}`);
    }
  });

  it("answers App Service's health check on /healthz, saying only that it is up", async () => {
    const res = await fetchHealth(base, null);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: 'up' });
  });

  it("is healthy with the template's settings: Graph, storage, the relay and AD through the relay", async () => {
    let report = await healthReport(base);
    for (let i = 0; i < 50 && report.status !== 'ok'; i++) {
      await new Promise((r) => setTimeout(r, 200));
      report = await healthReport(base);
    }
    assert.equal(report.status, 'ok', JSON.stringify(report.dependencies, null, 1));
    assert.equal(report.mode, 'production');
    assert.equal(
      report.dependencies.directory.detail.startsWith('via relay sync01'),
      true,
      report.dependencies.directory.detail,
    );
  });

  it('refuses Bot Framework traffic without a token', async () => {
    const res = await postWithoutToken(base);
    assert.equal(res.status, 401);
  });

  it('logs no secret: neither the signing key nor the Graph secret', () => {
    for (const secret of [botPair.privateKey, DEMO_GRAPH_APP.clientSecret, relayPair.privateKey]) {
      assert.ok(!bot!.text.includes(secret) && !relay!.text.includes(secret), 'a secret was logged');
    }
  });
});
