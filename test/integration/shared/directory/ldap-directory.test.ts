import assert from 'node:assert/strict';
import { Client } from 'ldapts';
import { DirectoryError } from '../../../../src/shared/directory/directory-error';
import type { DirectoryErrorKind } from '../../../../src/shared/directory/directory-error';
import { guidToImmutableId } from '../../../../src/shared/directory/immutable-id';
import { LdapDirectory } from '../../../../src/shared/directory/ldap-directory';
import type { LdapOptions } from '../../../../src/shared/directory/ldap-options';
import { toDirectoryError } from '../../../../src/shared/directory/ldap-errors';
import { sharedSambaDc } from '../../../support/fixtures';
import { SYNCED_OU, UNSYNCED_OU } from '../../../support/samba-dc';
import type { SambaDc } from '../../../support/samba-dc';

const BULK_PREFIX = 'bulkpage';
const BULK_COUNT = 1100;

async function rejectsWith(
  promise: Promise<unknown>,
  kind: DirectoryErrorKind,
  message: RegExp,
): Promise<DirectoryError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof DirectoryError, `expected a DirectoryError, got ${String(err)}`);
    assert.equal(err.kind, kind, err.message);
    assert.match(err.message, message);
    return err;
  }
  assert.fail(`expected a ${kind} DirectoryError`);
}

/** The ImmutableId `ldapsearch` gives: it prints binary values base64-encoded (`attr:: …`). */
function ldapsearchBase64(dc: SambaDc, sam: string, attribute: string): string {
  const ldif = dc.ldapsearch(`(sAMAccountName=${sam})`, [attribute]);
  const line = ldif.split('\n').find((l) => l.toLowerCase().startsWith(`${attribute.toLowerCase()}::`));
  assert.ok(line, `ldapsearch printed no ${attribute} for ${sam}:\n${ldif}`);
  return line.slice(line.indexOf('::') + 2).trim();
}

describe('LdapDirectory against the Samba AD DC', function () {
  let dc: SambaDc;
  let directory: LdapDirectory;
  const opened: LdapDirectory[] = [];
  const open = (overrides: Partial<LdapOptions> = {}) => {
    const d = new LdapDirectory(dc.ldapOptions(overrides));
    opened.push(d);
    return d;
  };

  before(async function () {
    this.timeout(300_000);
    dc = await sharedSambaDc();
    await dc.seedBulk(BULK_PREFIX, BULK_COUNT);
    directory = open();
  });

  after(async () => {
    await Promise.all(opened.map((d) => d.close()));
  });

  describe('search', () => {
    it('finds a user by part of the name, with every field of the model', async () => {
      const { users, more } = await directory.search('Pesc');
      assert.equal(more, 0);
      assert.equal(users.length, 1);
      const apes = users[0];
      assert.equal(apes.sAMAccountName, 'apes');
      assert.equal(apes.dn, `CN=Aaron Pescasio,${SYNCED_OU}`);
      assert.equal(apes.userPrincipalName, 'apes@corp.example.test');
      assert.equal(apes.mail, 'apes@corp.example.test');
      assert.deepEqual(apes.proxyAddresses.sort(), [
        'SMTP:aaron.pescasio@corp.example.test',
        'smtp:apes@corp.example.test',
      ]);
      assert.equal(apes.primarySmtp, 'aaron.pescasio@corp.example.test');
      assert.equal(apes.displayName, 'Aaron Pescasio');
      assert.equal(apes.givenName, 'Aaron');
      assert.equal(apes.surname, 'Pescasio');
      assert.equal(apes.department, 'IT');
      assert.equal(apes.title, 'Systems Engineer');
      assert.equal(apes.enabled, true);
      assert.match(apes.objectGuid, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      assert.equal(apes.consistencyGuid, undefined);
      assert.match(apes.objectSid ?? '', /^S-1-5-21-\d+-\d+-\d+-\d+$/);
      assert.ok(
        apes.whenChanged && Math.abs(Date.parse(apes.whenChanged) - Date.now()) < 3_600_000,
        apes.whenChanged,
      );
      assert.equal(apes.inSyncScope, true);
      assert.equal(apes.sourceAnchor.attribute, 'objectGUID');
    });

    it('finds users by the start of a UPN or a mail address, which ANR alone does not cover', async () => {
      assert.deepEqual(
        (await directory.search('zoe.angstrom@corp')).users.map((u) => u.sAMAccountName),
        ['zangstrom'],
      );
      assert.deepEqual(
        (await directory.search('tyamada@corp.example.test')).users.map((u) => u.sAMAccountName),
        ['tyamada'],
      );
    });

    it('matches non-ASCII names', async () => {
      assert.deepEqual(
        (await directory.search('Ångström')).users.map((u) => u.sAMAccountName),
        ['zangstrom'],
      );
      assert.deepEqual(
        (await directory.search('山田')).users.map((u) => u.sAMAccountName),
        ['tyamada'],
      );
    });

    it('says so when nothing matches', async () => {
      assert.deepEqual(await directory.search('nobody-by-this-name'), { users: [], more: 0 });
    });

    it('reports disabled users and users outside the synced OUs as such', async () => {
      const [jdoe] = (await directory.find('sAMAccountName', 'jdoe')).users;
      assert.equal(jdoe.enabled, false);
      assert.equal(jdoe.inSyncScope, true);
      const [svc] = (await directory.find('sAMAccountName', 'svc-backup')).users;
      assert.equal(svc.inSyncScope, false);
      assert.equal(svc.dn, `CN=Backup Service,${UNSYNCED_OU}`);
      const wholeBase = open({ syncScopeOus: [] });
      assert.equal((await wholeBase.find('sAMAccountName', 'svc-backup')).users[0].inSyncScope, true);
    });

    it(`pages through ${BULK_COUNT} matches (more than one DC page) and counts what it does not return`, async () => {
      const capped = await directory.search(BULK_PREFIX, { limit: 10 });
      assert.equal(capped.users.length, 10);
      assert.equal(capped.more, BULK_COUNT - 10);

      const smallPages = open({ pageSize: 100 });
      const all = await smallPages.search(BULK_PREFIX, { limit: 5000 });
      assert.equal(all.more, 0);
      assert.equal(all.users.length, BULK_COUNT);
      assert.equal(new Set(all.users.map((u) => u.objectGuid)).size, BULK_COUNT);
    });

    it('puts an exact login match first even when many others match', async () => {
      const { users, more } = await directory.search(`${BULK_PREFIX}01050`, { limit: 3 });
      assert.equal(users[0].sAMAccountName, `${BULK_PREFIX}01050`);
      assert.equal(users.length + more >= 1, true);
    });
  });

  describe('exact lookup', () => {
    it('finds by sAMAccountName, UPN, mail and objectGUID, case-insensitively', async () => {
      const [apes] = (await directory.find('sAMAccountName', 'APES')).users;
      assert.equal(apes.sAMAccountName, 'apes');
      assert.equal(
        (await directory.find('userPrincipalName', 'apes@CORP.example.test')).users[0].dn,
        apes.dn,
      );
      assert.equal((await directory.find('mail', 'apes@corp.example.test')).users[0].dn, apes.dn);
      assert.equal((await directory.find('objectGuid', apes.objectGuid.toUpperCase())).users[0].dn, apes.dn);
    });

    it('does not treat a prefix as a match', async () => {
      assert.deepEqual(await directory.find('sAMAccountName', 'ape'), { users: [], more: 0 });
    });

    it('finds the user holding an ImmutableId through objectGUID or mS-DS-ConsistencyGuid', async () => {
      const [apes] = (await directory.find('sAMAccountName', 'apes')).users;
      const byAnchor = await directory.find('sourceAnchor', apes.sourceAnchor.immutableId);
      assert.deepEqual(
        byAnchor.users.map((u) => u.sAMAccountName),
        ['apes'],
      );
      const fromConsistencyGuid = await directory.find(
        'sourceAnchor',
        guidToImmutableId('35918bc9-196d-40ea-9779-889d79b753f0'),
      );
      assert.deepEqual(
        fromConsistencyGuid.users.map((u) => u.sAMAccountName),
        ['cguid'],
      );
    });

    it('refuses a malformed GUID or ImmutableId with a message saying what is expected', async () => {
      await rejectsWith(directory.find('objectGuid', '*'), 'invalid-input', /is not a GUID/);
      await rejectsWith(directory.find('sourceAnchor', 'abc$_'), 'invalid-input', /not an ImmutableId/);
    });
  });

  describe('ImmutableId', () => {
    it('equals base64 of the objectGUID bytes that ldapsearch reads for the same user', async () => {
      for (const sam of ['apes', 'zangstrom', 'tyamada', 'jdoe']) {
        const [user] = (await directory.find('sAMAccountName', sam)).users;
        assert.equal(user.sourceAnchor.immutableId, ldapsearchBase64(dc, sam, 'objectGUID'), sam);
        assert.equal(user.sourceAnchor.attribute, 'objectGUID');
      }
    });

    it('takes mS-DS-ConsistencyGuid when it is set, under auto', async () => {
      const [cguid] = (await directory.find('sAMAccountName', 'cguid')).users;
      const fromLdapsearch = ldapsearchBase64(dc, 'cguid', 'mS-DS-ConsistencyGuid');
      assert.equal(cguid.sourceAnchor.attribute, 'mS-DS-ConsistencyGuid');
      assert.equal(cguid.sourceAnchor.immutableId, fromLdapsearch);
      assert.equal(cguid.sourceAnchor.immutableId, guidToImmutableId('35918bc9-196d-40ea-9779-889d79b753f0'));
      assert.notEqual(cguid.sourceAnchor.immutableId, ldapsearchBase64(dc, 'cguid', 'objectGUID'));
    });

    it('uses objectGUID when configured to, even where a ConsistencyGuid is set', async () => {
      const byObjectGuid = open({ sourceAnchor: 'objectGUID' });
      const [cguid] = (await byObjectGuid.find('sAMAccountName', 'cguid')).users;
      assert.equal(cguid.sourceAnchor.attribute, 'objectGUID');
      assert.equal(cguid.sourceAnchor.immutableId, ldapsearchBase64(dc, 'cguid', 'objectGUID'));
    });
  });

  describe('hostile input', () => {
    it('matches `*` literally: only the user whose surname starts with a star', async () => {
      assert.deepEqual(
        (await directory.search('*')).users.map((u) => u.sAMAccountName),
        ['star'],
      );
      assert.deepEqual(await directory.find('sAMAccountName', '*'), { users: [], more: 0 });
    });

    it('returns nothing for a filter injection, a lone backslash or a 250-character string', async () => {
      for (const text of ['*)(objectClass=*', '*)(|(sAMAccountName=*', '\\', '\\2a', 'x'.repeat(250)]) {
        assert.deepEqual(await directory.search(text), { users: [], more: 0 }, JSON.stringify(text));
        assert.deepEqual(await directory.find('mail', text), { users: [], more: 0 }, JSON.stringify(text));
      }
    });

    it('matches parentheses and backslashes literally', async () => {
      assert.deepEqual(
        (await directory.search('Pat (Con')).users.map((u) => u.sAMAccountName),
        ['paren'],
      );
      assert.deepEqual(
        (await directory.search('Back\\Slash')).users.map((u) => u.sAMAccountName),
        ['bslash'],
      );
    });

    it('refuses NUL and other control characters instead of letting the DC truncate the value', async () => {
      // Samba cuts "a\0b" at the NUL and would search for "a"; a literal match cannot exist.
      await rejectsWith(directory.search('a\u0000b'), 'invalid-input', /control character \(U\+0000\)/);
      await rejectsWith(directory.find('sAMAccountName', 'apes\u0000'), 'invalid-input', /U\+0000/);
      await rejectsWith(directory.search('ap\u001bes'), 'invalid-input', /U\+001B/);
    });

    it('refuses a 500-character string with its length, without asking the DC', async () => {
      const err = await rejectsWith(
        directory.search('a'.repeat(500)),
        'invalid-input',
        /500 characters long/,
      );
      assert.doesNotMatch(err.message, /aaaaaaaa/);
    });
  });

  describe('TLS', () => {
    it('refuses the self-signed LDAPS certificate without the CA, naming LDAP_CA_FILE', async () => {
      const untrusted = open({ caFile: undefined });
      await rejectsWith(untrusted.ping(), 'tls-untrusted', /not issued by a trusted CA.*LDAP_CA_FILE/);
    });

    it('works with the CA file', async () => {
      await open().ping();
    });

    it('refuses a certificate that names another host, naming LDAP_TLS_SERVER_NAME', async () => {
      const wrongName = open({ tlsServerName: 'dc9.corp.example.test' });
      await rejectsWith(wrongName.ping(), 'tls-untrusted', /LDAP_TLS_SERVER_NAME/);
      const noName = open({ tlsServerName: undefined });
      await rejectsWith(noName.ping(), 'tls-untrusted', /does not carry the name/);
    });

    it('uses StartTLS on ldap:// and checks the certificate there too', async () => {
      const startTls = open({ url: dc.ldapUrl });
      assert.equal((await startTls.find('sAMAccountName', 'apes')).users.length, 1);
      await rejectsWith(open({ url: dc.ldapUrl, caFile: undefined }).ping(), 'tls-untrusted', /LDAP_CA_FILE/);
    });

    it('connects without checks only with the explicit insecure switch, and says so', async () => {
      const insecure = open({ caFile: undefined, tlsInsecure: true });
      await insecure.ping();
      assert.match(insecure.describe(), /INSECURE/);
      assert.doesNotMatch(open().describe(), /INSECURE/);
    });

    it(`plain LDAP without TLS is refused by the DC (it requires strong auth), so Anchor never sends it`, async () => {
      const client = new Client({ url: dc.ldapUrl });
      try {
        const err = await client.bind(dc.adminDn, dc.adminPassword).then(
          () => undefined,
          (e: unknown) => e,
        );
        const mapped = toDirectoryError(err, { url: dc.ldapUrl, bindDn: dc.adminDn });
        assert.equal(mapped.kind, 'tls-required', mapped.message);
      } finally {
        await client.unbind();
      }
    });
  });

  describe('errors', () => {
    it('says the bind was refused for a wrong password, naming the account and never the password', async () => {
      const wrong = open({ bindPassword: 'Wrong-Password-123!' });
      const err = await rejectsWith(
        wrong.search('apes'),
        'bind-failed',
        /refused the bind as CN=Administrator.*LDAP_BIND_PASSWORD/,
      );
      assert.doesNotMatch(err.message, /Wrong-Password/);
    });

    it('says the DC is unreachable when nothing listens', async () => {
      const nowhere = open({ url: 'ldaps://127.0.0.1:1' });
      await rejectsWith(
        nowhere.ping(),
        'unreachable',
        /Cannot reach the domain controller at ldaps:\/\/127\.0\.0\.1:1 \(ECONNREFUSED\)/,
      );
    });

    it('times out on a hung DC with a clear message, and works again once it answers', async function () {
      this.timeout(30_000);
      const impatient = open({ operationTimeoutMs: 1000, connectTimeoutMs: 1000 });
      await impatient.ping();
      dc.freeze();
      try {
        await rejectsWith(impatient.search('apes'), 'timeout', /did not answer in time/);
      } finally {
        dc.thaw();
      }
      assert.equal((await impatient.search('Pesc')).users[0].sAMAccountName, 'apes');
    });

    it('reports a stopped DC as unreachable and reconnects on the next call once it is back', async function () {
      this.timeout(120_000);
      const idle = open();
      await idle.ping();
      await directory.ping();
      await dc.halt();
      try {
        await rejectsWith(directory.search('apes'), 'unreachable', /Cannot reach the domain controller/);
        await rejectsWith(directory.ping(), 'unreachable', /ECONNREFUSED/);
      } finally {
        await dc.restart();
      }
      const { users } = await directory.find('sAMAccountName', 'apes');
      assert.equal(users[0]?.dn, `CN=Aaron Pescasio,${SYNCED_OU}`);
      // A connection that went dead while nobody used it is replaced without an error.
      assert.equal((await idle.find('sAMAccountName', 'apes')).users.length, 1);
    });
  });
});
