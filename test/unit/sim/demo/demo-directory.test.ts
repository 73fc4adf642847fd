import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { keepAdViewCurrent } from '../../../../src/sim/demo/ad-view';
import type { SimAdView } from '../../../../src/sim/graph/model';
import { scopeAtDelta } from '../../../../src/sim/graph/sync-engine';
import { DemoDirectory } from '../../../../src/sim/demo/demo-directory';
import { DirectoryError } from '../../../../src/shared/directory/directory-error';
import { guidToImmutableId } from '../../../../src/shared/directory/immutable-id';
import { DEMO_SYNC_OUS, demoDirectoryUsers } from '../../../../src/sim/demo/demo-tenant';

describe('DemoDirectory', () => {
  const directory = new DemoDirectory(demoDirectoryUsers());

  it('finds apes by the start of a name, login or address, with its ImmutableId', async () => {
    for (const text of ['Aaron', 'pesc', 'apes@contoso', 'Aaron Pescasio']) {
      const { users } = await directory.search(text);
      assert.ok(
        users.some((u) => u.sAMAccountName === 'apes'),
        text,
      );
    }
    const [apes] = (await directory.find('sAMAccountName', 'APES')).users;
    assert.equal(apes.sourceAnchor.immutableId, guidToImmutableId('35918bc9-196d-40ea-9779-889d79b753f0'));
  });

  it('puts the exact login first and counts the rest', async () => {
    const { users, more } = await directory.search('ap', { limit: 1 });
    assert.equal(users.length, 1);
    assert.equal(more, 1);
    assert.equal((await directory.search('apes', { limit: 1 })).users[0].sAMAccountName, 'apes');
  });

  it('looks up by GUID and by ImmutableId', async () => {
    const [apes] = (await directory.find('objectGuid', '35918BC9-196D-40EA-9779-889D79B753F0')).users;
    assert.equal(apes.sAMAccountName, 'apes');
    const byAnchor = await directory.find('sourceAnchor', apes.sourceAnchor.immutableId);
    assert.deepEqual(
      byAnchor.users.map((u) => u.sAMAccountName),
      ['apes'],
    );
  });

  it('matches `*` literally and applies the same input rules as the LDAP directory', async () => {
    assert.deepEqual(await directory.search('*'), { users: [], more: 0 });
    await assert.rejects(
      directory.search('a\u0000'),
      (err: unknown) => err instanceof DirectoryError && err.kind === 'invalid-input',
    );
    await assert.rejects(directory.find('objectGuid', 'nope'), /is not a GUID/);
  });
});

describe('DemoDirectory: moving a user to another OU, as the AD admin does', () => {
  const UNSYNCED = 'OU=Unsynced,DC=corp,DC=contoso,DC=com';
  const STAFF = 'OU=Staff,DC=corp,DC=contoso,DC=com';
  const scopeOf = async (d: DemoDirectory, sam: string) => {
    const [u] = (await d.find('sAMAccountName', sam)).users;
    return { dn: u.dn, inSyncScope: u.inSyncScope };
  };

  it("derives every demo user's scope from its DN, as the records say it", () => {
    const written = new DemoDirectory(demoDirectoryUsers());
    const derived = new DemoDirectory(demoDirectoryUsers(), 'auto', DEMO_SYNC_OUS);
    assert.deepEqual(
      derived.all().map((u) => [u.sAMAccountName, u.inSyncScope]),
      written.all().map((u) => [u.sAMAccountName, u.inSyncScope]),
    );
  });

  it('moves a user out of the synced OU and back: same RDN, new parent, scope from the DN', async () => {
    const directory = new DemoDirectory(demoDirectoryUsers(), 'auto', DEMO_SYNC_OUS);
    const moved = directory.move('APES', UNSYNCED);
    assert.deepEqual([moved.dn, moved.inSyncScope], [`CN=Aaron Pescasio,${UNSYNCED}`, false]);
    assert.deepEqual(await scopeOf(directory, 'apes'), {
      dn: `CN=Aaron Pescasio,${UNSYNCED}`,
      inSyncScope: false,
    });
    directory.move('apes', STAFF);
    assert.deepEqual(await scopeOf(directory, 'apes'), {
      dn: `CN=Aaron Pescasio,${STAFF}`,
      inSyncScope: true,
    });
    // Anna, parked out of scope by the demo's story, comes into scope when moved to a synced OU.
    directory.move('apeters', `OU=Finance,${STAFF}`);
    assert.equal((await scopeOf(directory, 'apeters')).inSyncScope, true);
  });

  it('keeps an escaped comma of the RDN, and refuses an unknown login or an OU outside the domain', () => {
    const directory = new DemoDirectory(
      [{ ...demoDirectoryUsers()[0], dn: `CN=Pescasio\\, Aaron,${STAFF}` }],
      'auto',
      DEMO_SYNC_OUS,
    );
    assert.equal(directory.move('apes', UNSYNCED).dn, `CN=Pescasio\\, Aaron,${UNSYNCED}`);
    assert.throws(() => directory.move('nobody', UNSYNCED), /No AD account "nobody"/);
    assert.throws(() => directory.move('apes', 'OU=Unsynced,DC=fabrikam,DC=com'), /is not an OU of DC=corp/);
    assert.throws(() => directory.move('apes', 'DC=corp,DC=contoso,DC=com'), /is not an OU of/);
    assert.throws(() => directory.move('apes', 'not a dn\\'), /is not an OU of/);
    assert.equal(directory.all()[0].dn, `CN=Pescasio\\, Aaron,${UNSYNCED}`, 'a refused move changes nothing');
  });

  it('rewrites the AD view file at each move, so the next delta exports the directory as it is', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'anchor-ad-view-'));
    try {
      const file = path.join(dir, 'ad-view.json');
      const directory = new DemoDirectory(demoDirectoryUsers(), 'auto', DEMO_SYNC_OUS);
      let writes = 0;
      const stop = keepAdViewCurrent(directory, file, () => writes++);
      const apesAtDelta = () => {
        const view = JSON.parse(readFileSync(file, 'utf8')) as SimAdView;
        assert.deepEqual(view.syncOus, DEMO_SYNC_OUS);
        return scopeAtDelta(view).find((u) => u.sAMAccountName === 'apes')!;
      };
      assert.equal(apesAtDelta().inScope, true);
      directory.move('apes', UNSYNCED);
      assert.deepEqual(
        [apesAtDelta().distinguishedName, apesAtDelta().inScope, writes],
        [`CN=Aaron Pescasio,${UNSYNCED}`, false, 1],
      );
      stop();
      directory.move('apes', STAFF);
      assert.equal(apesAtDelta().inScope, false, 'stopped: the file is left as it was');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lists the OUs its users sit in and the sync OUs, so a parking OU outside the scope can be named', async () => {
    const ous = await new DemoDirectory(demoDirectoryUsers(), 'auto', DEMO_SYNC_OUS).listOus();
    for (const ou of DEMO_SYNC_OUS) assert.ok(ous.includes(ou), ou);
    assert.ok(ous.includes('OU=Unsynced,DC=corp,DC=contoso,DC=com'));
    assert.ok(
      ous.every((ou) => /^OU=/i.test(ou)),
      ous.join('; '),
    );
  });
});
