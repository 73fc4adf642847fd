import type { CloudCallOptions } from './cloud-directory';
import type { GraphApi } from './graph-api';
import { callFor } from './graph-call';
import type { GraphCall } from './graph-call';
import { GraphRequestError } from './graph-errors';
import { collectPages } from './graph-paging';
import type { GroupDirectory, GroupMember, InstallOutcome, TeamsApps } from './teams-apps';

/** Settings of {@link GraphTeamsApps}. */
export interface GraphTeamsAppsOptions {
  timeoutMs: number;
}

/** The most members a group read takes; an admin group is small, a huge one is a misconfiguration. */
const GROUP_MEMBER_CAP = 500;

/**
 * Anchor's Teams app and the admin group through Microsoft Graph. The installation follows
 * "Send proactive installation messages" (learn.microsoft.com, Teams platform): install in the
 * user's personal scope; 409 means it is there already, and the installation's chat is the
 * personal conversation.
 */
export class GraphTeamsApps implements TeamsApps, GroupDirectory {
  constructor(
    private readonly api: GraphApi,
    private readonly options: GraphTeamsAppsOptions,
  ) {}

  async installForUser(
    userId: string,
    catalogAppId: string,
    options: CloudCallOptions = {},
  ): Promise<InstallOutcome> {
    const call = this.call(options);
    const base = `/users/${enc(userId)}/teamwork/installedApps`;
    try {
      await this.api.send(
        {
          method: 'POST',
          path: base,
          body: {
            'teamsApp@odata.bind': `https://graph.microsoft.com/v1.0/appCatalogs/teamsApps/${catalogAppId}`,
          },
        },
        call,
      );
      return { kind: 'installed' };
    } catch (err) {
      if (!(err instanceof GraphRequestError)) throw err;
      if (err.status !== 409) return { kind: 'refused', why: refusal(err, catalogAppId) };
    }
    return { kind: 'already-installed', chatId: await this.chatId(base, catalogAppId, call) };
  }

  async transitiveUsers(groupId: string, options: CloudCallOptions = {}): Promise<GroupMember[]> {
    const page = await collectPages<GroupMember>(
      this.api,
      {
        method: 'GET',
        path: `/groups/${enc(groupId)}/transitiveMembers/microsoft.graph.user?$select=id,displayName&$top=999`,
      },
      this.call(options),
      GROUP_MEMBER_CAP,
    );
    return page.items.map((m) => ({ id: m.id.toLowerCase(), displayName: m.displayName ?? null }));
  }

  /** The personal chat of an existing installation; undefined when Graph does not say. */
  private async chatId(base: string, catalogAppId: string, call: GraphCall): Promise<string | undefined> {
    try {
      const filter = encodeURIComponent(`teamsApp/id eq '${catalogAppId}'`);
      const list = await this.api.send<{ value: { id: string }[] }>(
        { method: 'GET', path: `${base}?$expand=teamsApp&$filter=${filter}` },
        call,
      );
      const installId = list.value[0]?.id;
      if (!installId) return undefined;
      const chat = await this.api.send<{ id?: string }>(
        { method: 'GET', path: `${base}/${enc(installId)}/chat` },
        call,
      );
      return chat.id;
    } catch (err) {
      if (err instanceof GraphRequestError) return undefined;
      throw err;
    }
  }

  private call(options: CloudCallOptions): GraphCall {
    return callFor(options, this.options.timeoutMs);
  }
}

/** Why Graph would not install the app, in words the requester can act on. */
function refusal(err: GraphRequestError, catalogAppId: string): string {
  const graph = `(Graph ${err.status} ${err.code}: ${err.graphMessage})`;
  if (err.code === 'Authorization_RequestDenied') {
    return `Anchor's Graph app may not install apps for users: grant it TeamsAppInstallation.ReadWriteSelfForUser.All ${graph}`;
  }
  if (err.status === 404 && err.code !== 'Request_ResourceNotFound') {
    return `Anchor is not in your Teams app catalog under TEAMS_APP_CATALOG_ID ${catalogAppId} ${graph}`;
  }
  return `Teams would not install Anchor for them ${graph}`;
}

const enc = encodeURIComponent;
