import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/shared/paths';

/** The repository's own pages: the README, docs/ and the deployment guides. */
const PAGES = [
  'README.md',
  ...readdirSync(path.join(PROJECT_ROOT, 'docs')).map((f) => `docs/${f}`),
  'infra/README.md',
  'infra/relay/README.md',
].filter((page) => page.endsWith('.md'));

/** The targets of the inline links `[text](target)` of a Markdown text, code spans and blocks left out. */
function linkTargets(markdown: string): string[] {
  const prose = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]);
}

/** The relative links of a page, resolved against the repository root. */
function relativeLinks(page: string): { target: string; relative: string }[] {
  return linkTargets(readFileSync(path.join(PROJECT_ROOT, page), 'utf8'))
    .filter((t) => !/^[a-z][a-z0-9+.-]*:/i.test(t) && !t.startsWith('#'))
    .map((target) => ({
      target,
      relative: path.relative(
        PROJECT_ROOT,
        path.resolve(PROJECT_ROOT, path.dirname(page), target.split('#')[0]),
      ),
    }));
}

describe('links in the README and docs', () => {
  it('point at files inside the repository, never beside it', () => {
    const links = PAGES.flatMap((page) => relativeLinks(page).map((link) => ({ page, ...link })));
    assert.ok(links.length > 0, 'no relative link found: the test would check nothing');
    for (const { page, target, relative } of links) {
      assert.ok(!relative.startsWith('..') && !path.isAbsolute(relative), `${page} links outside: ${target}`);
      assert.ok(existsSync(path.join(PROJECT_ROOT, relative)), `${page} links a missing file: ${target}`);
    }
  });
});
