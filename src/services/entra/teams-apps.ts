import type { CloudCallOptions } from './cloud-directory';

/** What installing Anchor for a user came to. */
export type InstallOutcome =
  /** Teams installed it: a conversationUpdate/installationUpdate for the user follows. */
  | { kind: 'installed' }
  /** It was already installed (409): the personal chat exists, its id is given when Graph told it. */
  | { kind: 'already-installed'; chatId?: string }
  /** Graph refused; `why` is one line for the requester's card, with Graph's own words. */
  | { kind: 'refused'; why: string };

/** Anchor's own Teams app as Microsoft Graph manages it in users' personal scope. */
export interface TeamsApps {
  /** Installs the catalog app for the user (`POST /users/{id}/teamwork/installedApps`); never throws a Graph refusal. */
  installForUser(userId: string, catalogAppId: string, options?: CloudCallOptions): Promise<InstallOutcome>;
}

/** One member of a group as Anchor needs it. */
export interface GroupMember {
  id: string;
  displayName: string | null;
}

/** Security groups in Entra ID. */
export interface GroupDirectory {
  /**
   * Every user in the group, nested groups flattened (`/groups/{id}/transitiveMembers/microsoft.graph.user`).
   * @throws CloudDirectoryError when Graph cannot be read.
   */
  transitiveUsers(groupId: string, options?: CloudCallOptions): Promise<GroupMember[]>;
}
