import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { keepAdViewCurrent } from '../../../../src/sim/demo/ad-view';
import { moveDemoAdUser, startDemoAdControl } from '../../../../src/sim/demo/demo-ad-control';
import type { DemoControls } from '../../../../src/sim/demo/demo-controls';
import { DemoDirectory } from '../../../../src/sim/demo/demo-directory';
import { DEMO_SYNC_OUS, demoDirectoryUsers } from '../../../../src/sim/demo/demo-tenant';
import type { SimAdView } from '../../../../src/sim/graph/model';
import { scopeAtDelta } from '../../../../src/sim/graph/sync-engine';

/**
 * What `npm run demo:ad -- move <login> <OU DN>` does, from another process as the command does:
 * moveDemoAdUser() with the controls the demo writes, against the demo AD's loopback endpoint,
 * wired to the AD view file as start-demo wires it.
 */
describe('npm run demo:ad -- move: the demo AD endpoint', () => {
  const UNSYNCED = 'OU=Unsynced,DC=corp,DC=contoso,DC=com';
  let dir: string;
  let file: string;
  let directory: DemoDirectory;
  let control: Awaited<ReturnType<typeof startDemoAdControl>>;
  let controls: DemoControls;

  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'anchor-demo-ad-'));
    file = path.join(dir, 'ad-view.json');
    directory = new DemoDirectory(demoDirectoryUsers(), 'auto', DEMO_SYNC_OUS);
    keepAdViewCurrent(directory, file);
    control = await startDemoAdControl(directory);
    controls = {
      pid: process.pid,
      adsyncStatePath: path.join(dir, 'adsync.json'),
      graphUrl: 'http://127.0.0.1:9',
      adControl: { url: control.url, token: control.token },
    };
  });
  afterEach(async () => {
    await control.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const apesInView = () =>
    scopeAtDelta(JSON.parse(readFileSync(file, 'utf8')) as SimAdView).find(
      (u) => u.sAMAccountName === 'apes',
    )!;

  it('moves the user in the running demo AD and its AD view, out of scope and back', async () => {
    assert.match(control.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.deepEqual(await moveDemoAdUser(controls, 'apes', UNSYNCED), {
      sAMAccountName: 'apes',
      dn: `CN=Aaron Pescasio,${UNSYNCED}`,
      inSyncScope: false,
    });
    assert.equal((await directory.find('sAMAccountName', 'apes')).users[0].inSyncScope, false);
    assert.deepEqual(
      [apesInView().distinguishedName, apesInView().inScope],
      [`CN=Aaron Pescasio,${UNSYNCED}`, false],
    );

    const back = await moveDemoAdUser(controls, 'apes', DEMO_SYNC_OUS[0]);
    assert.equal(back.inSyncScope, true);
    assert.equal(apesInView().inScope, true);
  });

  it("says the demo's reason when it refuses, and changes nothing", async () => {
    await assert.rejects(moveDemoAdUser(controls, 'nobody', UNSYNCED), /No AD account "nobody"/);
    await assert.rejects(moveDemoAdUser(controls, 'apes', 'OU=X,DC=fabrikam,DC=com'), /is not an OU of/);
    assert.equal(apesInView().inScope, true);
  });

  it('refuses a caller without the token from the controls file, and says so for a demo on a real DC', async () => {
    const wrong = { ...controls, adControl: { url: control.url, token: 'guess' } };
    await assert.rejects(moveDemoAdUser(wrong, 'apes', UNSYNCED), /Unauthorized/);
    const res = await fetch(`${control.url}/ad/move`, {
      method: 'POST',
      body: JSON.stringify({ login: 'apes', ou: UNSYNCED }),
    });
    assert.equal(res.status, 401);
    assert.equal(apesInView().inScope, true);
    await assert.rejects(
      moveDemoAdUser({ ...controls, adControl: undefined }, 'apes', UNSYNCED),
      /real domain controller/,
    );
  });
});
