/**
 * `npm run bench`: how fast the directory service finds users in a 20,000-user Samba domain,
 * next to the floor the DC allows (the same filter as a bare ldapts search on a bound
 * connection) and to `ldapsearch`, which is what an admin would type.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Client, Filter } from 'ldapts';
import { PROJECT_ROOT } from '../../src/shared/paths';
import { LdapDirectory } from '../../src/shared/directory/ldap-directory';
import { freeTextFilter, lookupFilter } from '../../src/shared/directory/ldap-filters';
import { BINARY_ATTRIBUTES, USER_ATTRIBUTES } from '../../src/shared/directory/ldap-user';
import { SambaDc } from '../support/samba-dc';

const USERS = Number(process.env.BENCH_USERS ?? 20_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 300);
const LDAPSEARCH_ROUNDS = Number(process.env.BENCH_LDAPSEARCH_ROUNDS ?? 40);
const TARGET_RATIO = 1.2;
const PREFIX = 'bench';

/** One query, as the service runs it, as a bare ldapts search, and as an ldapsearch filter. */
interface Query {
  name: string;
  service: (d: LdapDirectory) => Promise<unknown>;
  filter: Filter;
  ldapsearchFilter: string;
}

const narrow = `${PREFIX}0123`; // bench01230 … bench01239: a partial login, 10 matches
const broad = `${PREFIX}001`; // bench00100 … bench00199: 100 matches, 25 returned and 75 counted
const login = `${PREFIX}${String(Math.ceil(USERS * 0.6)).padStart(5, '0')}`; // deep in the directory
const freeText = (t: string) =>
  `(&(objectCategory=person)(objectClass=user)(|(anr=${t})(userPrincipalName=${t}*)(mail=${t}*)))`;

const QUERIES: Query[] = [
  {
    name: `free text "${narrow}" (10 matches)`,
    service: (d) => d.search(narrow),
    filter: freeTextFilter(narrow),
    ldapsearchFilter: freeText(narrow),
  },
  {
    name: `free text "${broad}" (100 matches, 25 kept)`,
    service: (d) => d.search(broad),
    filter: freeTextFilter(broad),
    ldapsearchFilter: freeText(broad),
  },
  {
    name: `exact sAMAccountName "${login}"`,
    service: (d) => d.find('sAMAccountName', login),
    filter: lookupFilter('sAMAccountName', login),
    ldapsearchFilter: `(&(objectCategory=person)(objectClass=user)(sAMAccountName=${login}))`,
  },
];

async function main(): Promise<void> {
  const dc = await SambaDc.start((l) => console.log(`[samba-dc] ${l}`));
  try {
    await dc.seed();
    await dc.seedBulk(PREFIX, USERS, undefined, 6);
    const options = dc.ldapOptions();
    const directory = new LdapDirectory(options);
    const bare = await dc.bind();
    const bareSearch = (filter: Filter) =>
      bare.search(options.baseDn, {
        scope: 'sub',
        filter,
        attributes: USER_ATTRIBUTES,
        explicitBufferAttributes: BINARY_ATTRIBUTES,
        paged: { pageSize: options.pageSize },
      });
    const rows: string[][] = [];
    const results: Record<string, unknown>[] = [];
    let worstRatio = 0;
    for (const q of QUERIES) {
      await checkSameAnswer(q, directory, bare, dc);
      for (let i = 0; i < 20; i++) await Promise.all([q.service(directory), bareSearch(q.filter)]); // warm up
      const service: number[] = [];
      const floor: number[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        // Alternate which goes first so drift on the DC hits both alike.
        if (i % 2 === 0) {
          service.push(await time(() => q.service(directory)));
          floor.push(await time(() => bareSearch(q.filter)));
        } else {
          floor.push(await time(() => bareSearch(q.filter)));
          service.push(await time(() => q.service(directory)));
        }
      }
      const cli: number[] = [];
      for (let i = 0; i < LDAPSEARCH_ROUNDS; i++) {
        cli.push(await time(async () => dc.ldapsearch(q.ldapsearchFilter, USER_ATTRIBUTES)));
      }
      const ratio = pct(service, 95) / pct(floor, 95);
      worstRatio = Math.max(worstRatio, ratio);
      rows.push([
        q.name,
        fmt(pct(service, 50)),
        fmt(pct(service, 95)),
        fmt(pct(floor, 50)),
        fmt(pct(floor, 95)),
        fmt(pct(cli, 50)),
        fmt(pct(cli, 95)),
        `${ratio.toFixed(2)}x`,
      ]);
      results.push({ query: q.name, service, floor, ldapsearch: cli });
    }
    await bare.unbind();
    await directory.close();

    const table = [
      `Samba AD DC with ${USERS + dc.users.length} users; ${ROUNDS} rounds per query (ldapsearch: ${LDAPSEARCH_ROUNDS}); ` +
        `${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, Node ${process.version}.`,
      '',
      '| query | service p50 | service p95 | bare ldapts p50 | bare ldapts p95 | ldapsearch p50 | ldapsearch p95 | service/bare p95 |',
      '|---|---:|---:|---:|---:|---:|---:|---:|',
      ...rows.map((r) => `| ${r.join(' | ')} |`),
      '',
      `Target: service p95 within ${TARGET_RATIO}x of the bare query. Worst: ${worstRatio.toFixed(2)}x — ` +
        (worstRatio <= TARGET_RATIO ? 'met.' : 'MISSED.'),
      `Memory after the run: rss ${mb(process.memoryUsage().rss)}, heap used ${mb(process.memoryUsage().heapUsed)}.`,
    ].join('\n');
    console.log(`\n${table}\n`);
    const out = path.join(PROJECT_ROOT, 'test-output', 'bench');
    mkdirSync(out, { recursive: true });
    writeFileSync(path.join(out, 'directory.md'), `${table}\n`);
    writeFileSync(path.join(out, 'directory.json'), JSON.stringify(results));
    process.exitCode = worstRatio <= TARGET_RATIO ? 0 : 1;
  } finally {
    await dc.stop();
  }
}

/** A benchmark of different answers would be meaningless: all three must find the same users. */
async function checkSameAnswer(q: Query, directory: LdapDirectory, bare: Client, dc: SambaDc): Promise<void> {
  const mine = (await q.service(directory)) as { users: { dn: string }[]; more: number };
  const floor = await bare.search(dc.baseDn, {
    scope: 'sub',
    filter: q.filter,
    attributes: ['1.1'],
    paged: true,
  });
  const cli = (dc.ldapsearch(q.ldapsearchFilter, ['1.1']).match(/^dn: /gm) ?? []).length;
  const counts = [mine.users.length + mine.more, floor.searchEntries.length, cli];
  if (counts[0] === 0 || counts.some((c) => c !== counts[0])) {
    throw new Error(`${q.name}: service, bare ldapts and ldapsearch found ${counts.join(', ')} users`);
  }
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

function pct(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
