import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  truncateSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ContainerClient } from '@azure/storage-blob';
import { PROJECT_ROOT } from '../../../../src/shared/paths';
import { BlobStateStore, StateBlobCorruptError } from '../../../../src/services/state/blob-state-store';
import { updateItem } from '../../../../src/services/state/conditional-update';
import { FileStateStore, StateFileCorruptError } from '../../../../src/services/state/file-state-store';
import { Azurite } from '../../../support/azurite';
import { readAsBlobsStorage } from '../../../support/legacy-blobs';
import { sharedAzurite } from '../../../support/fixtures';
import { stateStoreContract } from '../../../support/state-store-contract';

function tempDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'anchor-state-'));
}

/** Every file and directory under `dir`, relative, with `/`. */
function tree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((p) => p.split(path.sep).join('/'))
    .sort();
}

describe('state stores on real storage', () => {
  stateStoreContract('FileStateStore', async () => {
    const dir = tempDir();
    return {
      store: new FileStateStore(dir),
      another: () => new FileStateStore(dir),
      dispose: async () => rmSync(dir, { recursive: true, force: true }),
    };
  });

  stateStoreContract('BlobStateStore on Azurite', async () => {
    const azurite = await sharedAzurite();
    const container = Azurite.containerName();
    const open = () => new BlobStateStore({ connectionString: azurite.connectionString, container });
    return {
      store: open(),
      another: open,
      dispose: async () =>
        void (await new ContainerClient(azurite.connectionString, container).deleteIfExists()),
    };
  });

  describe('FileStateStore on disk', () => {
    let dir: string;
    let store: FileStateStore;

    beforeEach(() => {
      dir = tempDir();
      store = new FileStateStore(dir);
    });

    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('keeps one JSON file per key, { eTag, value }, and leaves no temp file or lock behind', async () => {
      const eTag = await store.write('link/requests/r1', { state: 'pending' }, null);
      await store.write('link/open', ['r1'], null);
      await store.write('conversation/a:b', { id: 1 }, null);
      await updateItem<number>(store, 'audit/2026-11-25', (n) => (n ?? 0) + 1);
      assert.deepEqual(tree(dir), [
        'audit',
        'audit/2026-11-25.json',
        'conversation',
        'conversation/a%3Ab.json',
        'link',
        'link/open.json',
        'link/requests',
        'link/requests/r1.json',
      ]);
      assert.deepEqual(JSON.parse(readFileSync(path.join(dir, 'link/requests/r1.json'), 'utf8')), {
        eTag,
        value: { state: 'pending' },
      });
    });

    it('never writes outside its directory, whatever the key', async () => {
      const inner = path.join(dir, 'inner');
      const confined = new FileStateStore(inner);
      for (const key of ['..', '../x', '../../etc/passwd', 'a/../../b', '.', './.json']) {
        await confined.write(key, { key }, '*');
        assert.deepEqual((await confined.read(key))?.value, { key });
      }
      assert.deepEqual(readdirSync(dir), ['inner']);
    });

    it('loses no update when a second process increments the same key: 100 + 100 = 200', async function () {
      this.timeout(120_000);
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', 'test/support/file-store-increments.ts', dir, 'relay/open-jobs', '100'],
        { cwd: PROJECT_ROOT, stdio: ['pipe', 'pipe', 'pipe'] },
      );
      let output = '';
      child.stdout.on('data', (d: Buffer) => (output += d.toString('utf8')));
      child.stderr.on('data', (d: Buffer) => (output += d.toString('utf8')));
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      try {
        while (!output.includes('ready')) {
          if (child.exitCode !== null) assert.fail(`the second process ended early:\n${output}`);
          await new Promise((r) => setTimeout(r, 50));
        }
        child.stdin.write('go\n');
        const start = Date.now();
        for (let i = 0; i < 100; i++) await updateItem<number>(store, 'relay/open-jobs', (n) => (n ?? 0) + 1);
        const end = Date.now();
        assert.equal(await exited, 0, output);
        const other = JSON.parse(output.split('\n').find((l) => l.startsWith('{')) ?? '{}') as {
          start: number;
          end: number;
        };
        assert.ok(other.start < end && start < other.end, `the two processes did not overlap:\n${output}`);
        assert.equal((await store.read('relay/open-jobs'))?.value, 200);
      } finally {
        child.kill('SIGKILL');
      }
    });

    for (const [damage, spoil] of [
      ['invalid JSON', (file: string) => writeFileSync(file, '{"eTag": "x", "value": {"state": pend')],
      ['a truncated file', (file: string) => truncateSync(file, Math.floor(readFileSync(file).length / 2))],
      ['an empty file', (file: string) => truncateSync(file, 0)],
      ['JSON without an eTag', (file: string) => writeFileSync(file, '{"value": 1}')],
    ] as const) {
      it(`names the file and key of ${damage}, and still reads every other key`, async () => {
        await store.write('link/requests/bad', { state: 'pending', note: 'x'.repeat(10_000) }, null);
        await store.write('link/requests/good', { state: 'done' }, null);
        const file = path.join(dir, 'link/requests/bad.json');
        spoil(file);
        const error = await store.read('link/requests/bad').then(
          () => assert.fail('a corrupt file was read'),
          (err: unknown) => err,
        );
        assert.ok(error instanceof StateFileCorruptError, String(error));
        assert.equal(error.file, file);
        assert.equal(error.key, 'link/requests/bad');
        assert.ok(error.message.includes(file), error.message);
        assert.match(error.message, /link\/requests\/bad/);
        assert.match(error.message, /Restore it from a backup, or delete it/);
        assert.deepEqual((await store.read('link/requests/good'))?.value, { state: 'done' });
        // A conditional write cannot compare against it; an unconditional one replaces it.
        await assert.rejects(
          updateItem(store, 'link/requests/bad', () => ({ state: 'x' })),
          StateFileCorruptError,
        );
        await store.write('link/requests/bad', { state: 'restored' }, '*');
        assert.deepEqual((await store.read('link/requests/bad'))?.value, { state: 'restored' });
      });
    }

    it('takes over the lock of a process that died holding it', async function () {
      this.timeout(30_000);
      await store.write('relay/jobs/j1', { state: 'queued' }, null);
      const lock = path.join(dir, 'relay/jobs/j1.json.lock');
      mkdirSync(lock);
      const longAgo = new Date(Date.now() - 60_000);
      utimesSync(lock, longAgo, longAgo);
      const { eTag } = (await store.read('relay/jobs/j1'))!;
      await store.write('relay/jobs/j1', { state: 'running' }, eTag);
      assert.deepEqual((await store.read('relay/jobs/j1'))?.value, { state: 'running' });
      assert.equal(existsSync(lock), false);
    });

    it('pings by writing and removing a probe, creating the directory; fails where it cannot write', async () => {
      const nested = new FileStateStore(path.join(dir, 'not', 'yet'));
      await nested.ping();
      assert.deepEqual(readdirSync(path.join(dir, 'not', 'yet')), []);
      writeFileSync(path.join(dir, 'a-file'), '');
      await assert.rejects(new FileStateStore(path.join(dir, 'a-file')).ping());
      assert.equal(store.describe(), `file (${dir})`);
    });
  });

  describe('BlobStateStore on Azurite', () => {
    let azurite: Azurite;
    let container: string;
    let removeContainer: (() => Promise<unknown>) | undefined;

    beforeEach(async () => {
      removeContainer = undefined;
      azurite = await sharedAzurite();
      container = Azurite.containerName();
      const client = new ContainerClient(azurite.connectionString, container);
      removeContainer = () => client.deleteIfExists();
    });

    // Without Azurite there is nothing to remove, and the one failure left says why it did not start.
    afterEach(async () => removeContainer?.());

    it('creates its container on first use, also when two instances start at once', async () => {
      const open = () => new BlobStateStore({ connectionString: azurite.connectionString, container });
      const client = new ContainerClient(azurite.connectionString, container);
      assert.equal(await client.exists(), false);
      await Promise.all([open().ping(), open().ping(), open().read('x')]);
      assert.equal(await client.exists(), true);
    });

    it('keeps items where BlobsStorage reads them: the value in an envelope, under its blob name', async () => {
      const store = new BlobStateStore({ connectionString: azurite.connectionString, container });
      const eTag = await store.write('conversation/19:a@thread', { id: 'c1' }, null);
      const blobs = await readAsBlobsStorage(azurite.connectionString, container, [
        'conversation/19:a@thread',
      ]);
      assert.deepEqual(blobs['conversation/19:a@thread'], { value: { id: 'c1' }, eTag });
      const names: string[] = [];
      for await (const blob of new ContainerClient(azurite.connectionString, container).listBlobsFlat()) {
        names.push(blob.name);
      }
      assert.deepEqual(names, ['conversation%2F19%3Aa%40thread']);
    });

    it('names the blob and key of a blob that is not JSON, and still reads every other key', async () => {
      const store = new BlobStateStore({ connectionString: azurite.connectionString, container });
      await store.write('link/requests/good', { state: 'done' }, null);
      const bad = new ContainerClient(azurite.connectionString, container).getBlockBlobClient(
        'link%2Frequests%2Fbad',
      );
      await bad.upload('{"value": {"state": pend', 24);
      await assert.rejects(store.read('link/requests/bad'), (err: unknown) => {
        assert.ok(err instanceof StateBlobCorruptError, String(err));
        assert.match(
          err.message,
          /State blob link%2Frequests%2Fbad \(key "link\/requests\/bad"\) is corrupt/,
        );
        return true;
      });
      assert.deepEqual((await store.read('link/requests/good'))?.value, { state: 'done' });
    });

    it('describes itself by account and container, without the key', async () => {
      const store = new BlobStateStore({ connectionString: azurite.connectionString, container });
      assert.equal(store.describe(), `Azure Blob Storage (devstoreaccount1/${container})`);
      assert.ok(!store.describe().includes('AccountKey'));
    });

    it('fails its ping when the service cannot be reached', async function () {
      this.timeout(30_000);
      const unreachable =
        'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;BlobEndpoint=http://127.0.0.1:9/devstoreaccount1;';
      await assert.rejects(new BlobStateStore({ connectionString: unreachable, container }).ping());
    });
  });
});
