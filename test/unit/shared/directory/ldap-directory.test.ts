import assert from 'node:assert/strict';
import type { Client, SearchOptions } from 'ldapts';
import sinon from 'sinon';
import { LdapConnection } from '../../../../src/shared/directory/ldap-connection';
import { LdapDirectory } from '../../../../src/shared/directory/ldap-directory';
import type { LdapOptions } from '../../../../src/shared/directory/ldap-options';

const OPTIONS: LdapOptions = {
  url: 'ldaps://dc1.corp.contoso.com',
  bindDn: 'CN=svc-anchor,DC=corp,DC=contoso,DC=com',
  bindPassword: 'secret',
  baseDn: 'DC=corp,DC=contoso,DC=com',
  tlsInsecure: false,
  syncScopeOus: ['OU=Staff,DC=corp,DC=contoso,DC=com'],
  sourceAnchor: 'auto',
  connectTimeoutMs: 1000,
  operationTimeoutMs: 1000,
  pageSize: 2,
};

describe('LdapDirectory.listOus', () => {
  afterEach(() => sinon.restore());

  it('pages through every organizational unit under the base DN with a fixed filter, DNs only', async () => {
    const searches: [string, SearchOptions][] = [];
    const client = {
      async *searchPaginated(base: string, options: SearchOptions) {
        searches.push([base, options]);
        yield {
          searchEntries: [
            { dn: 'OU=Staff,DC=corp,DC=contoso,DC=com' },
            { dn: 'OU=Unsynced,DC=corp,DC=contoso,DC=com' },
          ],
        };
        yield { searchEntries: [{ dn: 'OU=Anchor parking,DC=corp,DC=contoso,DC=com' }] };
      },
    } as unknown as Client;
    sinon.stub(LdapConnection.prototype, 'run').callsFake((work) => work(client));
    const ous = await new LdapDirectory(OPTIONS).listOus();
    assert.deepEqual(ous, [
      'OU=Staff,DC=corp,DC=contoso,DC=com',
      'OU=Unsynced,DC=corp,DC=contoso,DC=com',
      'OU=Anchor parking,DC=corp,DC=contoso,DC=com',
    ]);
    assert.equal(searches.length, 1);
    const [base, options] = searches[0]!;
    assert.equal(base, OPTIONS.baseDn);
    assert.equal(options.scope, 'sub');
    assert.equal(String(options.filter), '(objectClass=organizationalUnit)');
    assert.deepEqual(options.attributes, ['1.1']);
    assert.deepEqual(options.paged, { pageSize: 2 });
  });
});
