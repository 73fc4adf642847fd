import assert from 'node:assert/strict';
import type { Entry } from 'ldapts';
import { guidToBytes, guidToImmutableId } from '../../../../src/shared/directory/immutable-id';
import {
  generalizedTimeToIso,
  identityKeys,
  sidToString,
  toDirectoryUser,
} from '../../../../src/shared/directory/ldap-user';

const GUID = '35918bc9-196d-40ea-9779-889d79b753f0';
// S-1-5-21-1004336348-1177238915-682003330-512 as AD stores it.
const SID = Buffer.from('010500000000000515000000dcf4dc3b833d2b46828ba62800020000', 'hex');

function entry(extra: Record<string, Entry[string]> = {}): Entry {
  return {
    dn: 'CN=Aaron Pescasio,OU=Synced Users,DC=corp,DC=example,DC=test',
    sAMAccountName: 'apes',
    userPrincipalName: 'apes@corp.example.test',
    proxyAddresses: ['smtp:apes@corp.example.test', 'SMTP:aaron.pescasio@corp.example.test'],
    userAccountControl: '512',
    objectGUID: guidToBytes(GUID),
    objectSid: SID,
    whenChanged: '20261125103000.0Z',
    ...extra,
  };
}

const MAPPING = {
  syncScopeOus: ['OU=Synced Users,DC=corp,DC=example,DC=test'],
  sourceAnchor: 'auto' as const,
};

describe('toDirectoryUser', () => {
  it('maps an AD entry to the user model', () => {
    const user = toDirectoryUser(entry(), MAPPING);
    assert.equal(user.objectGuid, GUID);
    assert.equal(user.primarySmtp, 'aaron.pescasio@corp.example.test');
    assert.equal(user.enabled, true);
    assert.equal(user.objectSid, 'S-1-5-21-1004336348-1177238915-682003330-512');
    assert.equal(user.whenChanged, '2026-11-25T10:30:00Z');
    assert.equal(user.inSyncScope, true);
    assert.equal(user.mail, undefined);
    assert.deepEqual(user.sourceAnchor, {
      attribute: 'objectGUID',
      guid: GUID,
      immutableId: guidToImmutableId(GUID),
    });
  });

  it('reads attribute names case-insensitively, as DCs spell them their own way', () => {
    const user = toDirectoryUser(
      { dn: 'CN=x,DC=y', samaccountname: 'apes', OBJECTGUID: guidToBytes(GUID) },
      MAPPING,
    );
    assert.equal(user.sAMAccountName, 'apes');
    assert.equal(user.objectGuid, GUID);
  });

  it('reads ACCOUNTDISABLE (bit 2) of userAccountControl', () => {
    assert.equal(toDirectoryUser(entry({ userAccountControl: '514' }), MAPPING).enabled, false);
    assert.equal(toDirectoryUser(entry({ userAccountControl: '66050' }), MAPPING).enabled, false);
    assert.equal(toDirectoryUser(entry({ userAccountControl: '66048' }), MAPPING).enabled, true);
  });

  it('takes a 16-byte ConsistencyGuid as the anchor under auto, and ignores a malformed one', () => {
    const other = 'd749534e-5c1a-4a8e-9a3b-6f0e1d2c3b4a';
    const withGuid = toDirectoryUser(entry({ 'mS-DS-ConsistencyGuid': guidToBytes(other) }), MAPPING);
    assert.equal(withGuid.sourceAnchor.attribute, 'mS-DS-ConsistencyGuid');
    assert.equal(withGuid.sourceAnchor.immutableId, guidToImmutableId(other));
    const malformed = toDirectoryUser(entry({ 'mS-DS-ConsistencyGuid': Buffer.alloc(4) }), MAPPING);
    assert.equal(malformed.consistencyGuid, undefined);
  });

  it('places users outside the synced OUs out of scope; no OUs means the whole base', () => {
    const outside = entry({ dn: 'CN=Backup,OU=Service Accounts,DC=corp,DC=example,DC=test' });
    assert.equal(toDirectoryUser(outside, MAPPING).inSyncScope, false);
    assert.equal(toDirectoryUser(outside, { ...MAPPING, syncScopeOus: [] }).inSyncScope, true);
  });

  it('refuses an entry without an objectGUID', () => {
    assert.throws(() => toDirectoryUser({ dn: 'CN=x' }, MAPPING), /16 bytes; got 0/);
  });

  it('offers login, UPN, mail and display name as exact-match keys', () => {
    assert.deepEqual(identityKeys(entry({ mail: 'a@b', displayName: 'Aaron' })), [
      'apes',
      'apes@corp.example.test',
      'a@b',
      'Aaron',
    ]);
  });
});

describe('LDAP value formats', () => {
  it('writes a SID in its string form', () => {
    assert.equal(sidToString(Buffer.from('010100000000000512000000', 'hex')), 'S-1-5-18');
  });

  it('turns GeneralizedTime into ISO 8601 and leaves anything else undefined', () => {
    assert.equal(generalizedTimeToIso('20240304091200.0Z'), '2024-03-04T09:12:00Z');
    assert.equal(generalizedTimeToIso('20240304091200Z'), '2024-03-04T09:12:00Z');
    assert.equal(generalizedTimeToIso('yesterday'), undefined);
    assert.equal(generalizedTimeToIso(undefined), undefined);
  });
});
