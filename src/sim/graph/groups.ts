import type { SimGroup } from './model';

/**
 * The ids of every object in the group, nested groups flattened (each once, nested groups
 * included as members themselves, as Graph's transitiveMembers lists them).
 */
export function transitiveMemberIds(list: readonly SimGroup[], groupId: string): string[] {
  const groups = new Map(list.map((g) => [g.id, g]));
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
