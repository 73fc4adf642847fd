import assert from 'node:assert/strict';
import { MAX_BLOB_NAME, stateBlobOf } from '../../../../src/services/state/state-blob-names';
import { InvalidStateKeyError } from '../../../../src/services/state/state-key';

describe('state blob names', () => {
  it('names a blob by its key percent-encoded as a whole, as earlier releases did', () => {
    assert.equal(stateBlobOf('conversation/19:a@thread'), 'conversation%2F19%3Aa%40thread');
    assert.equal(stateBlobOf('link/requests/r1'), 'link%2Frequests%2Fr1');
    assert.equal(stateBlobOf('a%2Fb'), 'a%252Fb');
  });

  it('maps back to the key, so no two keys share a blob', () => {
    const keys = ['a/b', 'a%2Fb', 'a:b', '..', '名前/ü 😀', '*', `${'x/'.repeat(255)}y`];
    for (const key of keys) assert.equal(decodeURIComponent(stateBlobOf(key)), key, key);
  });

  it(`takes names up to Azure's ${MAX_BLOB_NAME} characters and refuses longer ones, never cutting`, () => {
    assert.equal(stateBlobOf('k'.repeat(MAX_BLOB_NAME)).length, MAX_BLOB_NAME);
    for (const key of ['k'.repeat(MAX_BLOB_NAME + 1), Array(400).fill('k').join('/')]) {
      assert.throws(() => stateBlobOf(key), /would be longer than 1024 characters/, key.slice(0, 20));
    }
  });

  it('refuses keys no store accepts', () => {
    for (const key of ['', 'a//b', '/a', 'a/', '\uD800']) {
      assert.throws(() => stateBlobOf(key), InvalidStateKeyError, JSON.stringify(key));
    }
  });
});
