import assert from 'node:assert/strict';
import path from 'node:path';
import { stateFileOf, stateKeyOf } from '../../../../src/services/state/state-file-names';
import { InvalidStateKeyError } from '../../../../src/services/state/state-key';

const posix = (p: string) => p.split(path.sep).join('/');

describe('state file names', () => {
  it('maps each key segment to a directory and the last to <segment>.json', () => {
    assert.equal(
      posix(stateFileOf('link/requests/6f1c0d52-1a2b-4c3d-8e9f-001122334455')),
      'link/requests/6f1c0d52-1a2b-4c3d-8e9f-001122334455.json',
    );
    assert.equal(posix(stateFileOf('audit/2026-11-25')), 'audit/2026-11-25.json');
    assert.equal(posix(stateFileOf('approvals/channel')), 'approvals/channel.json');
    assert.equal(posix(stateFileOf('conversation/a:b')), 'conversation/a%3Ab.json');
  });

  it('encodes dots, so no segment is "." or ".." and no directory looks like a state file', () => {
    assert.equal(posix(stateFileOf('../x')), '%2E%2E/x.json');
    assert.equal(posix(stateFileOf('a/./b')), 'a/%2E/b.json');
    assert.equal(posix(stateFileOf('a.json/b')), 'a%2Ejson/b.json');
    assert.equal(posix(stateFileOf('*')), '%2A.json');
    for (const key of ['..', '../../etc/passwd', 'a/../../b', 'x\\..\\y']) {
      const file = path.join('/data', stateFileOf(key));
      assert.ok(file.startsWith(`${path.sep}data${path.sep}`), file);
      assert.ok(!file.split(path.sep).includes('..'), file);
    }
  });

  it('maps file names back to their keys, and nothing else to a key', () => {
    for (const key of ['a', 'a/b/c', 'conversation/19:x@thread.tacv2', '名前/ü 😀', '..', 'a%2Fb', '*']) {
      assert.equal(stateKeyOf(stateFileOf(key)), key);
    }
    for (const file of [
      'a.json.lock',
      'a.json.3f2a.tmp',
      '.ping-1a2b',
      'a.b.json',
      'a%2Fb.json',
      'a/',
      'x.txt',
    ]) {
      assert.equal(stateKeyOf(file), undefined, file);
    }
  });

  it('refuses keys that cannot be a file name', () => {
    for (const key of ['', 'a//b', '/a', 'a/', 'x'.repeat(201), '\uD800']) {
      assert.throws(() => stateFileOf(key), InvalidStateKeyError, JSON.stringify(key));
    }
  });
});
