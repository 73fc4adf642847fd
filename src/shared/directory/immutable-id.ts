/**
 * Conversions between AD GUIDs and Entra's `onPremisesImmutableId`.
 *
 * AD stores a GUID as 16 bytes in the order .NET's `Guid.ToByteArray()` produces: the first three
 * fields little-endian, the last two as written. Entra Connect's ImmutableId is base64 of exactly
 * those bytes, so the raw LDAP value needs no reordering but the GUID *string* does.
 */
import { isGuid } from '../guid';

const BASE64_PATTERN = /^[A-Za-z0-9+/]{22}==$/;

/**
 * The 16 bytes AD stores for a GUID string.
 * @throws TypeError when `guid` is not a canonical GUID string.
 */
export function guidToBytes(guid: string): Buffer {
  if (!isGuid(guid)) throw new TypeError(`"${guid}" is not a GUID (expected 8-4-4-4-12 hex digits).`);
  const hex = Buffer.from(guid.replace(/-/g, ''), 'hex');
  return Buffer.concat([
    Buffer.from(hex.subarray(0, 4)).reverse(),
    Buffer.from(hex.subarray(4, 6)).reverse(),
    Buffer.from(hex.subarray(6, 8)).reverse(),
    hex.subarray(8),
  ]);
}

/**
 * The GUID string for 16 bytes in AD's order (lower case).
 * @throws TypeError when `bytes` is not 16 bytes long.
 */
export function bytesToGuid(bytes: Uint8Array): string {
  if (bytes.length !== 16) throw new TypeError(`A GUID is 16 bytes; got ${bytes.length}.`);
  const b = Buffer.from(bytes);
  const hex = (from: number, to: number, reverse: boolean) => {
    const part = Buffer.from(b.subarray(from, to));
    return (reverse ? part.reverse() : part).toString('hex');
  };
  return [hex(0, 4, true), hex(4, 6, true), hex(6, 8, true), hex(8, 10, false), hex(10, 16, false)].join('-');
}

/**
 * The ImmutableId for a source anchor's raw bytes, as read over LDAP.
 * @throws TypeError when `bytes` is not 16 bytes long.
 */
export function immutableIdFromBytes(bytes: Uint8Array): string {
  if (bytes.length !== 16) throw new TypeError(`A source anchor is 16 bytes; got ${bytes.length}.`);
  return Buffer.from(bytes).toString('base64');
}

/** The ImmutableId for a GUID string. */
export function guidToImmutableId(guid: string): string {
  return immutableIdFromBytes(guidToBytes(guid));
}

/** True when `value` is base64 of exactly 16 bytes, the shape of a GUID-based ImmutableId. */
export function isGuidImmutableId(value: string): boolean {
  return BASE64_PATTERN.test(value) && Buffer.from(value, 'base64').length === 16;
}

/**
 * The GUID string behind a GUID-based ImmutableId.
 * @throws TypeError when `immutableId` is not base64 of 16 bytes (for example a UPN-based anchor).
 */
export function immutableIdToGuid(immutableId: string): string {
  if (!isGuidImmutableId(immutableId)) {
    throw new TypeError(
      `"${immutableId}" is not base64 of a 16-byte GUID, so it is not a GUID-based ImmutableId.`,
    );
  }
  return bytesToGuid(Buffer.from(immutableId, 'base64'));
}
