import assert from 'node:assert/strict';
import { isWithin, parseDn } from '../../../../src/shared/directory/distinguished-name';
import { DirectoryError } from '../../../../src/shared/directory/directory-error';
import { TopMatches } from '../../../../src/shared/directory/search-ranking';
import { normalizeSearchText } from '../../../../src/shared/directory/search-text';

describe('normalizeSearchText', () => {
  it('trims and keeps everything AD could store, literally', () => {
    for (const text of ['*', '*)(objectClass=*', '\\', 'Zoë Ångström-Nuñez', '山田', 'a'.repeat(256)]) {
      assert.equal(normalizeSearchText(` ${text} `), text);
    }
  });

  it('refuses empty text, control characters and text longer than any AD value', () => {
    const kindOf = (text: string) => {
      try {
        normalizeSearchText(text);
      } catch (err) {
        assert.ok(err instanceof DirectoryError);
        return `${err.kind}: ${err.message}`;
      }
      return 'accepted';
    };
    assert.match(kindOf('   '), /^invalid-input: Type part of a name/);
    assert.match(kindOf('a\u0000b'), /^invalid-input: .*U\+0000/);
    assert.match(kindOf('a\u007f'), /U\+007F/);
    assert.match(kindOf('a'.repeat(257)), /257 characters long/);
  });
});

describe('distinguished names', () => {
  it('normalises case, spacing and escapes', () => {
    assert.deepEqual(parseDn('CN=Back\\\\Slash Admin, OU=Synced Users,DC=corp'), [
      'cn=back\\5cslash admin',
      'ou=synced users',
      'dc=corp',
    ]);
    assert.deepEqual(parseDn('CN=Doe\\, John,DC=x'), parseDn('cn=doe\\2C john,dc=X'));
  });

  it('decides whether an entry is inside an OU', () => {
    const ou = 'OU=Synced Users,DC=corp,DC=example,DC=test';
    assert.equal(isWithin('CN=Aaron,OU=Synced Users,DC=corp,DC=example,DC=test', ou), true);
    assert.equal(isWithin('cn=aaron,ou=SYNCED USERS, dc=corp,dc=example,dc=test', ou), true);
    assert.equal(isWithin('CN=x,OU=Sub,OU=Synced Users,DC=corp,DC=example,DC=test', ou), true);
    assert.equal(isWithin(ou, ou), true);
    assert.equal(isWithin('CN=Aaron,OU=Service Accounts,DC=corp,DC=example,DC=test', ou), false);
    assert.equal(
      isWithin('CN=OU\\=Synced Users\\,DC\\=corp,DC=example,DC=test', 'OU=Synced Users,DC=corp'),
      false,
    );
    assert.equal(isWithin('DC=example,DC=test', ou), false);
  });
});

describe('TopMatches', () => {
  const keys = (s: string) => [s];

  it('keeps exact matches first and counts what it drops', () => {
    const top = new TopMatches<string>(3, 'Apes', keys);
    ['apesx', 'apesy', 'apesz', 'apesw', 'APES'].forEach((s) => top.add(s));
    assert.deepEqual(top.items, ['APES', 'apesx', 'apesy']);
    assert.equal(top.more, 2);
  });

  it('reports nothing more when everything fits', () => {
    const top = new TopMatches<string>(10, 'a', keys);
    ['a1', 'a2'].forEach((s) => top.add(s));
    assert.deepEqual([top.items, top.more], [['a1', 'a2'], 0]);
  });
});
