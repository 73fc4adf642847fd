import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../../src/shared/paths';

const PAGE = readFileSync(path.join(PROJECT_ROOT, 'docs', 'security.md'), 'utf8');

/** Every `Proof: \`file\` › "title"` of the page. */
function proofs(): { file: string; title: string }[] {
  return [...PAGE.matchAll(/Proof: `([^`]+)` › "((?:[^"\\]|\\.)+)"/g)].map((m) => ({
    file: m[1],
    title: m[2].replace(/\\"/g, '"'),
  }));
}

describe('docs/security.md', () => {
  it('proves each defence with a test that exists, by its exact title', () => {
    const all = proofs();
    assert.ok(all.length >= 20, `only ${all.length} proofs found: the page or the pattern changed`);
    for (const { file, title } of all) {
      const full = path.join(PROJECT_ROOT, file);
      assert.ok(existsSync(full), `${file} does not exist`);
      const text = readFileSync(full, 'utf8');
      const quoted = [`'${title}'`, `"${title}"`, `\`${title}\``, `'${title.replace(/'/g, "\\'")}'`];
      assert.ok(
        quoted.some((q) => text.includes(`it(${q}`) || text.includes(`it(\n      ${q}`)),
        `${file} has no test "${title}"`,
      );
    }
  });

  it('covers the four threats the issue names: SyncJacking, a malicious admin, a stolen relay key, a forged card', () => {
    for (const heading of [
      'SyncJacking',
      'A malicious',
      'A stolen or forged relay key',
      'A forged or replayed card',
    ]) {
      assert.match(PAGE, new RegExp(`^## \\d+\\. ${heading}`, 'm'));
    }
  });
});
