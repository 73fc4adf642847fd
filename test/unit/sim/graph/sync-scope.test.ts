import assert from 'node:assert/strict';
import type { SimAdUser } from '../../../../src/sim/graph/model';
import { scopeAtDelta } from '../../../../src/sim/graph/sync-engine';

const at = (dn: string, inScope = true): SimAdUser => ({
  sourceAnchor: 'AAAAAAAAAAAAAAAAAAAAAA==',
  sAMAccountName: 'diegos',
  userPrincipalName: 'diegos@contoso.com',
  displayName: 'Diego Siciliani',
  distinguishedName: dn,
  enabled: true,
  inScope,
});

describe('scopeAtDelta: the sync server decides scope from the DN at each delta', () => {
  const syncOus = ['OU=Staff,DC=corp,DC=contoso,DC=com'];
  const scope = (dn: string, written = true) =>
    scopeAtDelta({ syncOus, users: [at(dn, written)] })[0].inScope;

  it('takes in a DN under a synced OU, whatever the view wrote, case and spacing aside', () => {
    assert.equal(scope('CN=Diego Siciliani,OU=Staff,DC=corp,DC=contoso,DC=com', false), true);
    assert.equal(scope('cn=Diego Siciliani, ou=STAFF, dc=Corp,dc=contoso,dc=com', false), true);
    assert.equal(scope('CN=Diego Siciliani,OU=Sales,OU=Staff,DC=corp,DC=contoso,DC=com', false), true);
  });

  it('leaves out a DN moved out of the synced OUs, also one whose OU only starts like one', () => {
    assert.equal(scope('CN=Diego Siciliani,OU=Unsynced,DC=corp,DC=contoso,DC=com'), false);
    assert.equal(scope('CN=Diego Siciliani,OU=Staffing,DC=corp,DC=contoso,DC=com'), false);
    assert.equal(scope('CN=Diego Siciliani,OU=Staff,DC=corp,DC=contoso,DC=org'), false);
  });

  it('takes in every DN when the view filters on no OU, and keeps a bare list as written', () => {
    assert.equal(scopeAtDelta({ syncOus: [], users: [at('CN=x,OU=Any,DC=corp', false)] })[0].inScope, true);
    const bare = [at('CN=x,OU=Unsynced,DC=corp', true)];
    assert.equal(scopeAtDelta(bare), bare);
  });
});
