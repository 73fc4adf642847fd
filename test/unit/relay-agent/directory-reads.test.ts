import assert from 'node:assert/strict';
import { DirectoryError } from '../../../src/shared/directory/directory-error';
import type { DirectoryService } from '../../../src/shared/directory/ad-directory';
import type { UserMapping } from '../../../src/shared/directory/ldap-user';
import { DirectoryReads } from '../../../src/relay-agent/directory-reads';
import type { MappableDirectory } from '../../../src/relay-agent/directory-reads';

const MAPPING = { syncScopeOus: ['OU=Staff,DC=x'], sourceAnchor: 'objectGUID' as const };

/** A directory that records the mapping each read was made with. */
function fakeDirectory(overrides: Partial<DirectoryService> = {}) {
  const mappings: UserMapping[] = [];
  const base: DirectoryService = {
    search: async () => ({ users: [], more: 0 }),
    find: async () => ({ users: [], more: 2 }),
    listOus: async () => ['OU=Staff,DC=x'],
    ping: async () => undefined,
    describe: () => 'ldaps://dc1, base DC=x',
    ...overrides,
  };
  const directory: MappableDirectory = {
    ...base,
    withMapping: (mapping) => {
      mappings.push(mapping);
      return base;
    },
  };
  return { directory, mappings };
}

describe('DirectoryReads (the relay’s AD reads)', () => {
  it('reads with the job’s mapping and answers what the directory found', async () => {
    const { directory, mappings } = fakeDirectory();
    const reads = new DirectoryReads(directory, 'sync01');
    const found = await reads.run('directory-find', { by: 'mail', value: 'a@x', limit: 5, mapping: MAPPING });
    assert.deepEqual(found, {
      outcome: 'done',
      message: '0 users found by mail, 2 more',
      directory: { users: [], more: 2 },
    });
    assert.deepEqual(mappings, [MAPPING]);
    assert.deepEqual((await reads.run('directory-list-ous', {})).directory, { ous: ['OU=Staff,DC=x'] });
    assert.equal((await reads.run('directory-ping', {})).outcome, 'done');
    assert.equal(reads.describe(), 'ldaps://dc1, base DC=x');
  });

  it('keeps a directory error’s kind and words; any other error becomes failed with its first line', async () => {
    const denied = new DirectoryReads(
      fakeDirectory({
        ping: async () => Promise.reject(new DirectoryError('tls-untrusted', 'Set LDAP_CA_FILE.')),
      }).directory,
      'sync01',
    );
    assert.deepEqual(await denied.run('directory-ping', {}), {
      outcome: 'failed',
      message: 'Set LDAP_CA_FILE.',
      directory: { error: { kind: 'tls-untrusted', message: 'Set LDAP_CA_FILE.' } },
    });
    const broken = new DirectoryReads(
      fakeDirectory({ ping: async () => Promise.reject(new Error('socket hang up\nat x')) }).directory,
      'sync01',
    );
    assert.deepEqual((await broken.run('directory-ping', {})).directory.error, {
      kind: 'failed',
      message: 'reading the directory failed: socket hang up',
    });
  });

  it('says a relay without LDAP settings cannot read, and its description is null', async () => {
    const reads = new DirectoryReads(null, 'sync01');
    const outcome = await reads.run('directory-ping', {});
    assert.equal(outcome.outcome, 'failed');
    assert.match(outcome.message, /^the relay on sync01 has no LDAP settings: add LDAP_URL/);
    assert.equal(reads.describe(), null);
  });

  it('refuses to send more than 2,000 OUs or an answer over the result limit, as a size limit', async () => {
    const many = Array.from({ length: 2001 }, (_, i) => `OU=${i},DC=x`);
    const ous = new DirectoryReads(fakeDirectory({ listOus: async () => many }).directory, 's');
    assert.equal((await ous.run('directory-list-ous', {})).directory.error?.kind, 'size-limit');
    const huge = { dn: 'CN=x', proxyAddresses: ['x'.repeat(3 * 1024 * 1024)] } as never;
    const big = new DirectoryReads(
      fakeDirectory({ search: async () => ({ users: [huge], more: 0 }) }).directory,
      's',
    );
    const outcome = await big.run('directory-search', { text: 'x', limit: 1, mapping: MAPPING });
    assert.equal(outcome.directory.error?.kind, 'size-limit');
    assert.match(outcome.message, /more than the relay can send/);
  });
});
