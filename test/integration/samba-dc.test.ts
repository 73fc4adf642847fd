import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { AndFilter, EqualityFilter } from 'ldapts';
import type { Client } from 'ldapts';
import { sharedSambaDc } from '../support/fixtures';
import { guidToBytes } from '../../src/shared/directory/immutable-id';
import { BASE_DN, SYNCED_OU, UNSYNCED_OU } from '../support/samba-dc';
import type { SambaDc } from '../support/samba-dc';

const USER = new EqualityFilter({ attribute: 'objectCategory', value: 'person' });

async function findBySam(client: Client, sam: string) {
  const { searchEntries } = await client.search(BASE_DN, {
    scope: 'sub',
    filter: new AndFilter({
      filters: [USER, new EqualityFilter({ attribute: 'sAMAccountName', value: sam })],
    }),
    attributes: [
      'dn',
      'displayName',
      'userAccountControl',
      'objectGUID',
      'mS-DS-ConsistencyGuid',
      'proxyAddresses',
    ],
    explicitBufferAttributes: ['objectGUID', 'mS-DS-ConsistencyGuid'],
  });
  return searchEntries;
}

describe('Samba AD DC fixture', function () {
  let dc: SambaDc;
  let client: Client;

  before(async function () {
    this.timeout(300_000);
    dc = await sharedSambaDc();
    client = await dc.bind();
  });

  after(async () => {
    await client?.unbind();
  });

  it('refuses a simple bind over plain LDAP, like a hardened AD', async () => {
    const { Client } = await import('ldapts');
    const plain = new Client({ url: dc.ldapUrl, connectTimeout: 3000 });
    await assert.rejects(plain.bind(dc.adminDn, dc.adminPassword), /Strong|strong|confidential/i);
    await plain.unbind().catch(() => undefined);
  });

  it('seeds apes (Aaron Pescasio) inside the synced OU with proxy addresses', async () => {
    const [apes] = await findBySam(client, 'apes');
    assert.equal(apes.dn, `CN=Aaron Pescasio,${SYNCED_OU}`);
    assert.deepEqual([apes.proxyAddresses].flat().sort(), [
      'SMTP:aaron.pescasio@corp.example.test',
      'smtp:apes@corp.example.test',
    ]);
  });

  it('finds each awkward name by an exact, escaped filter and only that user', async () => {
    for (const user of dc.users) {
      const { searchEntries } = await client.search(BASE_DN, {
        scope: 'sub',
        filter: new AndFilter({
          filters: [
            USER,
            new EqualityFilter({ attribute: 'displayName', value: user.displayName as string }),
          ],
        }),
        attributes: ['sAMAccountName'],
      });
      assert.deepEqual(
        searchEntries.map((e) => e.sAMAccountName),
        [user.sAMAccountName],
        `displayName ${JSON.stringify(user.displayName)}`,
      );
    }
  });

  it('keeps non-ASCII names intact', async () => {
    const [zoe] = await findBySam(client, 'zangstrom');
    assert.equal(zoe.displayName, 'Zoë Ångström-Nuñez');
    const [taro] = await findBySam(client, 'tyamada');
    assert.equal(taro.displayName, '山田 太郎');
  });

  it('stores a DN with a backslash escaped, and names with *, ( and ) as they are', async () => {
    const [bslash] = await findBySam(client, 'bslash');
    assert.equal(bslash.dn, `CN=Back\\\\Slash Admin,${SYNCED_OU}`);
    const [star] = await findBySam(client, 'star');
    assert.equal(star.displayName, 'Star * Wildcard');
    const [paren] = await findBySam(client, 'paren');
    assert.equal(paren.displayName, 'Pat (Contractor)');
  });

  it('has a disabled account (userAccountControl bit 2) and one outside the synced OU', async () => {
    const [jdoe] = await findBySam(client, 'jdoe');
    assert.equal(Number(jdoe.userAccountControl) & 2, 2);
    const [apes] = await findBySam(client, 'apes');
    assert.equal(Number(apes.userAccountControl) & 2, 0);
    const [svc] = await findBySam(client, 'svc-backup');
    assert.ok(String(svc.dn).endsWith(UNSYNCED_OU));
  });

  it('stores mS-DS-ConsistencyGuid as the 16 bytes given, and a real objectGUID that ldapsearch agrees on', async () => {
    const [cguid] = await findBySam(client, 'cguid');
    assert.deepEqual(cguid['mS-DS-ConsistencyGuid'], guidToBytes('35918bc9-196d-40ea-9779-889d79b753f0'));
    const objectGuid = cguid.objectGUID as Buffer;
    assert.equal(objectGuid.length, 16);
    const ldif = execFileSync(
      'ldapsearch',
      [
        '-LLL',
        '-H',
        dc.ldapsUrl,
        '-x',
        '-D',
        dc.adminDn,
        '-w',
        dc.adminPassword,
        '-b',
        BASE_DN,
        '(sAMAccountName=cguid)',
        'objectGUID',
      ],
      { encoding: 'utf8', env: { ...process.env, LDAPTLS_CACERT: dc.caFile, LDAPTLS_REQCERT: 'allow' } },
    );
    assert.match(ldif, new RegExp(`objectGUID:: ${objectGuid.toString('base64').replace(/[+/]/g, '\\$&')}`));
  });
});
