import { DirectoryError } from './directory-error';
import { isGuid } from '../guid';
import { guidToBytes, immutableIdToGuid, isGuidImmutableId } from './immutable-id';

/**
 * The 16 AD bytes a GUID lookup is after: `objectGuid` takes a GUID string, `sourceAnchor` an
 * ImmutableId.
 * @throws DirectoryError (`invalid-input`) when the value has the wrong shape.
 */
export function guidBytesOf(by: 'objectGuid' | 'sourceAnchor', value: string): Buffer {
  if (by === 'objectGuid') {
    if (!isGuid(value)) {
      throw new DirectoryError('invalid-input', `"${value}" is not a GUID (expected 8-4-4-4-12 hex digits).`);
    }
    return guidToBytes(value);
  }
  if (!isGuidImmutableId(value)) {
    throw new DirectoryError('invalid-input', `"${value}" is not an ImmutableId (base64 of 16 bytes).`);
  }
  return guidToBytes(immutableIdToGuid(value));
}
