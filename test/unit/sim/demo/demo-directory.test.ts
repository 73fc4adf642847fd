import assert from 'node:assert/strict';
import { DemoDirectory } from '../../../../src/sim/demo/demo-directory';
import { DirectoryError } from '../../../../src/services/ad/directory-error';
import { guidToImmutableId } from '../../../../src/services/ad/immutable-id';
import { demoDirectoryUsers } from '../../../../src/sim/demo/demo-tenant';

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
