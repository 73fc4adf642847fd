import type { DirectorySearchResult, DirectoryService, DirectoryUser } from './directory';

/**
 * The on-prem directory of the demo tenant, held in memory. It matches the way AD's ambiguous
 * name resolution does in spirit (prefix of names, logins and addresses) so the demo behaves
 * like a real domain without one.
 */
export class DemoDirectory implements DirectoryService {
  constructor(private readonly users: readonly DirectoryUser[]) {}

  async search(text: string, options: { limit?: number } = {}): Promise<DirectorySearchResult> {
    const limit = options.limit ?? 10;
    const needle = text.trim().toLowerCase();
    const found = needle ? this.users.filter((u) => matches(u, needle)) : [];
    return { users: found.slice(0, limit), more: Math.max(0, found.length - limit) };
  }

  async ping(): Promise<void> {}

  describe(): string {
    return `in-memory demo directory (${this.users.length} users)`;
  }
}

function matches(user: DirectoryUser, needle: string): boolean {
  const fields = [
    user.sAMAccountName,
    user.userPrincipalName,
    user.mail,
    user.displayName,
    user.givenName,
    user.surname,
    ...user.proxyAddresses.map((p) => p.replace(/^smtp:/i, '')),
  ];
  return fields.some((f) => f?.toLowerCase().startsWith(needle));
}
