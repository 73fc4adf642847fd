import { guidToImmutableId } from './immutable-id';

/** The AD attributes Entra Connect can use as the source anchor. */
export type SourceAnchorAttribute = 'objectGUID' | 'mS-DS-ConsistencyGuid';

/**
 * Which attribute Anchor treats as the source anchor. `auto` does what Entra Connect does when it
 * uses mS-DS-ConsistencyGuid (the default since 1.1.524): the ConsistencyGuid when it is set,
 * otherwise the objectGUID, which Entra Connect writes into the ConsistencyGuid on first sync.
 */
export type SourceAnchorSetting = SourceAnchorAttribute | 'auto';

/** The source anchor of one AD user and the ImmutableId it gives. */
export interface SourceAnchor {
  attribute: SourceAnchorAttribute;
  /** The anchor as a GUID string. */
  guid: string;
  /** Base64 of the anchor's bytes: the value for the cloud user's onPremisesImmutableId. */
  immutableId: string;
}

/** The GUIDs an AD user carries that can serve as a source anchor. */
export interface AnchorCandidates {
  objectGuid: string;
  consistencyGuid?: string;
}

/**
 * The source anchor of a user under the given setting. With `mS-DS-ConsistencyGuid` and an empty
 * attribute the objectGUID is used, because that is the value Entra Connect will stamp into it.
 */
export function sourceAnchorOf(user: AnchorCandidates, setting: SourceAnchorSetting): SourceAnchor {
  const useConsistencyGuid = setting !== 'objectGUID' && user.consistencyGuid !== undefined;
  const guid = useConsistencyGuid ? user.consistencyGuid! : user.objectGuid;
  return {
    attribute: useConsistencyGuid ? 'mS-DS-ConsistencyGuid' : 'objectGUID',
    guid,
    immutableId: guidToImmutableId(guid),
  };
}
