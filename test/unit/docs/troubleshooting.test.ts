import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { INCIDENT_KINDS } from '../../../src/services/alerts/incident';
import * as graphErrors from '../../../src/services/entra/graph-errors';
import { LINK_STEP_PROBLEMS } from '../../../src/services/link/link-request';
import { PREFLIGHT_CHECK_IDS } from '../../../src/services/link/preflight/report';
import { TWIN_CHECK_IDS } from '../../../src/services/link/twin/twin-checks';
import { RELAY_ERROR_KINDS } from '../../../src/services/relay/relay-client';
import { DIRECTORY_ERROR_KINDS } from '../../../src/shared/directory/directory-error';
import { PROJECT_ROOT } from '../../../src/shared/paths';

const PAGE = readFileSync(path.join(PROJECT_ROOT, 'docs', 'troubleshooting.md'), 'utf8');

/** `ImmutableIdConflictError` → `immutable-id-conflict`. */
const kebab = (name: string) =>
  name
    .replace(/Error$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase();

/**
 * Every message id of the code: a family and the kind, check or class that picks the words an
 * admin sees (an error's kind, a check's id, a run's problem, an alert's incident, a Graph error).
 */
function messageIds(): string[] {
  const graph = Object.entries(graphErrors)
    .filter(
      ([name, value]) =>
        typeof value === 'function' &&
        value.prototype instanceof graphErrors.CloudDirectoryError &&
        name !== 'GraphRequestError',
    )
    .map(([name]) => `graph/${kebab(name)}`);
  return [
    ...DIRECTORY_ERROR_KINDS.map((k) => `directory/${k}`),
    ...RELAY_ERROR_KINDS.map((k) => `relay/${k}`),
    ...PREFLIGHT_CHECK_IDS.map((k) => `preflight/${k}`),
    ...TWIN_CHECK_IDS.map((k) => `twin/${k}`),
    ...LINK_STEP_PROBLEMS.map((k) => `run/${k}`),
    ...INCIDENT_KINDS.map((k) => `alert/${k}`),
    ...graph,
    'start/config',
    'start/relay-config',
  ];
}

/** The page's entries: each `### \`id\`` heading and the text up to the next heading. */
function entries(): Map<string, string> {
  const found = new Map<string, string>();
  for (const m of PAGE.matchAll(/^### `([a-z-]+\/[a-z0-9-]+)`\n([\s\S]*?)(?=^#{2,3} |(?![\s\S]))/gm)) {
    assert.ok(!found.has(m[1]), `${m[1]} has two entries`);
    found.set(m[1], m[2]);
  }
  return found;
}

describe('docs/troubleshooting.md', () => {
  it('has an entry for every message id in the code, and none for an id the code no longer has', () => {
    const ids = messageIds();
    assert.ok(ids.length > 50, `only ${ids.length} ids: the catalogue is broken`);
    const documented = [...entries().keys()];
    assert.deepEqual(
      ids.filter((id) => !documented.includes(id)),
      [],
      'ids without an entry',
    );
    assert.deepEqual(
      documented.filter((id) => !ids.includes(id)),
      [],
      'entries for unknown ids',
    );
  });

  it('says in each entry what the admin sees and what to do', () => {
    for (const [id, text] of entries()) {
      assert.match(text, /^You see: .+/m, `${id}: no "You see:" line`);
      assert.match(text, /^What to do: .+/m, `${id}: no "What to do:" line`);
    }
  });
});
