/** A security group: its members are user or group object ids (groups nest). */
export interface SimGroup {
  id: string;
  displayName: string;
  members: string[];
}

/**
 * The ids of every object in the group, nested groups flattened (each once, nested groups
 * included as members themselves, as Graph's transitiveMembers lists them).
 */
export function transitiveMemberIds(groups: ReadonlyMap<string, SimGroup>, groupId: string): string[] {
  const seen = new Set<string>();
  const visit = (id: string) => {
    for (const member of groups.get(id)?.members ?? []) {
      if (seen.has(member)) continue;
      seen.add(member);
      if (groups.has(member)) visit(member);
    }
  };
  visit(groupId);
  return [...seen];
}
