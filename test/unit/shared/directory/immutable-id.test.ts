import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import {
  bytesToGuid,
  guidToBytes,
  guidToImmutableId,
  immutableIdFromBytes,
  immutableIdToGuid,
  isGuidImmutableId,
} from '../../../../src/shared/directory/immutable-id';
import { sourceAnchorOf } from '../../../../src/shared/directory/source-anchor';

// Test vectors: the GUID and bytes of the ImmutableId conversion, as Microsoft documents it.
const APES_GUID = '35918bc9-196d-40ea-9779-889d79b753f0';
const APES_BYTES = Buffer.from('C98B91356D19EA409779889D79B753F0', 'hex');

describe('ImmutableId', () => {
  it('orders a GUID string into AD bytes: first three fields little-endian', () => {
    assert.deepEqual(guidToBytes(APES_GUID), APES_BYTES);
  });

  it('is base64 of those bytes', () => {
    assert.equal(guidToImmutableId(APES_GUID), APES_BYTES.toString('base64'));
    assert.equal(guidToImmutableId(APES_GUID), 'yYuRNW0Z6kCXeYidebdT8A==');
    assert.equal(immutableIdFromBytes(APES_BYTES), 'yYuRNW0Z6kCXeYidebdT8A==');
  });

  it('starts TlNJ1 for a GUID starting d749534e (bytes 4E 53 49 D7)', () => {
    const id = guidToImmutableId('d749534e-5c1a-4a8e-9a3b-6f0e1d2c3b4a');
    assert.ok(id.startsWith('TlNJ1'), id);
    assert.deepEqual([...Buffer.from(id, 'base64').subarray(0, 4)], [0x4e, 0x53, 0x49, 0xd7]);
  });

  it('is not base64 of the GUID string read as plain hex (the classic mistake)', () => {
    const naive = Buffer.from(APES_GUID.replace(/-/g, ''), 'hex').toString('base64');
    assert.notEqual(guidToImmutableId(APES_GUID), naive);
  });

  it('goes back to the same GUID', () => {
    assert.equal(immutableIdToGuid('yYuRNW0Z6kCXeYidebdT8A=='), APES_GUID);
    assert.equal(bytesToGuid(APES_BYTES), APES_GUID);
  });

  it('round-trips 1,000 random GUIDs both ways, and upper-case input', () => {
    for (let i = 0; i < 1000; i++) {
      const guid = randomUUID();
      assert.equal(immutableIdToGuid(guidToImmutableId(guid)), guid);
      assert.equal(immutableIdToGuid(guidToImmutableId(guid.toUpperCase())), guid);
      const bytes = guidToBytes(guid);
      assert.deepEqual(guidToBytes(bytesToGuid(bytes)), bytes);
    }
  });

  it('refuses what is not a GUID or a GUID-based ImmutableId, saying why', () => {
    assert.throws(() => guidToBytes('35918bc9196d40ea9779889d79b753f0'), /is not a GUID/);
    assert.throws(() => guidToBytes('{35918bc9-196d-40ea-9779-889d79b753f0}'), /is not a GUID/);
    assert.throws(() => bytesToGuid(Buffer.alloc(15)), /16 bytes; got 15/);
    assert.throws(() => immutableIdFromBytes(Buffer.alloc(17)), /16 bytes; got 17/);
    assert.throws(() => immutableIdToGuid('YXBlc0Bjb250b3NvLmNvbS5hdQ=='), /not base64 of a 16-byte GUID/);
    for (const bad of [
      '',
      'yYuRNW0Z6kCXeYidebdT8A',
      'yYuRNW0Z6kCXeYid$bdT8A==',
      'yYuRNW0Z6kCXeYid_bdT8A==',
    ]) {
      assert.equal(isGuidImmutableId(bad), false, bad);
    }
  });
});

describe('sourceAnchorOf', () => {
  const CONSISTENCY = 'd749534e-5c1a-4a8e-9a3b-6f0e1d2c3b4a';

  it('auto takes mS-DS-ConsistencyGuid when it is set', () => {
    const anchor = sourceAnchorOf({ objectGuid: APES_GUID, consistencyGuid: CONSISTENCY }, 'auto');
    assert.deepEqual(anchor, {
      attribute: 'mS-DS-ConsistencyGuid',
      guid: CONSISTENCY,
      immutableId: guidToImmutableId(CONSISTENCY),
    });
  });

  it('auto and mS-DS-ConsistencyGuid fall back to objectGUID when it is empty, as Entra Connect does', () => {
    for (const setting of ['auto', 'mS-DS-ConsistencyGuid'] as const) {
      assert.deepEqual(sourceAnchorOf({ objectGuid: APES_GUID }, setting), {
        attribute: 'objectGUID',
        guid: APES_GUID,
        immutableId: 'yYuRNW0Z6kCXeYidebdT8A==',
      });
    }
  });

  it('objectGUID ignores a ConsistencyGuid', () => {
    const anchor = sourceAnchorOf({ objectGuid: APES_GUID, consistencyGuid: CONSISTENCY }, 'objectGUID');
    assert.equal(anchor.attribute, 'objectGUID');
    assert.equal(anchor.immutableId, 'yYuRNW0Z6kCXeYidebdT8A==');
  });
});
