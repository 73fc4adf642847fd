import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { GRAPH_PERMISSIONS } from '../../../src/services/entra/graph-permissions';
import { PROJECT_ROOT } from '../../../src/shared/paths';

const PAGE = readFileSync(path.join(PROJECT_ROOT, 'docs', 'permissions.md'), 'utf8');
/** Installing Anchor for an approver (graph-teams-apps.ts names it in its own refusal). */
const TEAMS_INSTALL = 'TeamsAppInstallation.ReadWriteSelfForUser.All';

/** The rows of the Graph permissions table: permission and its grant column. */
function tableRows(): { permission: string; grant: string }[] {
  const rows = [...PAGE.matchAll(/^\|\s*`([A-Za-z.]+)`\s*\|\s*([a-z ]+?)\s*\|/gm)].map((m) => ({
    permission: m[1],
    grant: m[2],
  }));
  assert.ok(rows.length > 5, 'docs/permissions.md has no Graph permissions table');
  return rows;
}

/** The permissions each `grant …` line of the script grants, line by line. */
function grantLines(): string[][] {
  return [...PAGE.matchAll(/^grant ([A-Za-z. ]+?)\s*(?:#.*)?$/gm)].map((m) => m[1].split(/\s+/));
}

describe('docs/permissions.md', () => {
  it('lists the least privileged permission of every Graph request Anchor sends, and no other', () => {
    const needed = new Set([...Object.values(GRAPH_PERMISSIONS).map((need) => need.grant[0]), TEAMS_INSTALL]);
    const listed = tableRows().map((r) => r.permission);
    assert.deepEqual([...needed].filter((p) => !listed.includes(p)).sort(), [], 'missing from the table');
    assert.deepEqual(
      listed.filter((p) => !needed.has(p)).sort(),
      [],
      'in the table, but Anchor does not need it',
    );
    assert.match(
      readFileSync(path.join(PROJECT_ROOT, 'src', 'services', 'entra', 'graph-teams-apps.ts'), 'utf8'),
      new RegExp(TEAMS_INSTALL.replace(/\./g, '\\.')),
    );
  });

  it('has a script that grants exactly the table, core permissions on the first line', () => {
    const rows = tableRows();
    const lines = grantLines();
    assert.deepEqual(lines.flat().sort(), rows.map((r) => r.permission).sort());
    assert.deepEqual(
      lines[0].sort(),
      rows
        .filter((r) => r.grant === 'core')
        .map((r) => r.permission)
        .sort(),
    );
  });

  it('says to give Anchor no Entra role, and never advises the broad write permissions', () => {
    assert.match(PAGE, /## The Entra role Anchor must not hold\s+\*\*None\.\*\*/);
    for (const broad of ['Directory.ReadWrite.All', 'User.ReadWrite.All']) {
      assert.ok(!grantLines().flat().includes(broad), `the script grants ${broad}`);
      assert.ok(!tableRows().some((r) => r.permission === broad), `the table lists ${broad}`);
    }
  });
});
