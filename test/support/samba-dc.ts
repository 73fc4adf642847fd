import { execFileSync, spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { Attribute, Client, DN, EqualityFilter } from 'ldapts';
import { PROJECT_ROOT } from '../../src/shared/paths';
import { guidToBytes } from '../../src/shared/directory/immutable-id';
import type { LdapOptions } from '../../src/shared/directory/ldap-options';
import { SAMBA, ensureSystemPackages } from './system-deps';

/** A user the fixture seeds, as the tests will look for it. */
export interface SeedUser {
  sAMAccountName: string;
  givenName: string;
  surname: string;
  /** Defaults to "given surname"; the CN of the entry. */
  displayName?: string;
  /** Defaults to the synced OU. */
  ou?: string;
  mail?: string;
  proxyAddresses?: string[];
  enabled?: boolean;
  /** A GUID string whose bytes (in AD's order) become mS-DS-ConsistencyGuid. */
  consistencyGuid?: string;
  department?: string;
  title?: string;
}

/** What a seeded user ended up as in the directory. */
export interface SeededUser extends SeedUser {
  dn: string;
  userPrincipalName: string;
}

const REALM = 'CORP.EXAMPLE.TEST';
const DOMAIN = 'CORP';
const HOST_NAME = 'dc1';
/** The DC's name; its self-signed certificate is issued to it. */
export const DC_FQDN = `${HOST_NAME}.${REALM.toLowerCase()}`;
export const BASE_DN = 'DC=corp,DC=example,DC=test';
export const SYNCED_OU = `OU=Synced Users,${BASE_DN}`;
export const UNSYNCED_OU = `OU=Service Accounts,${BASE_DN}`;
const LDAP_PORT = 389;
const LDAPS_PORT = 636;

/** The users every run seeds: `apes`, and the awkward ones that break naive code. */
export const STANDARD_USERS: SeedUser[] = [
  {
    sAMAccountName: 'apes',
    givenName: 'Aaron',
    surname: 'Pescasio',
    mail: 'apes@corp.example.test',
    proxyAddresses: ['SMTP:aaron.pescasio@corp.example.test', 'smtp:apes@corp.example.test'],
    department: 'IT',
    title: 'Systems Engineer',
  },
  {
    sAMAccountName: 'zangstrom',
    givenName: 'Zoë',
    surname: 'Ångström-Nuñez',
    mail: 'zoe.angstrom@corp.example.test',
  },
  { sAMAccountName: 'tyamada', givenName: '太郎', surname: '山田', displayName: '山田 太郎' },
  { sAMAccountName: 'star', givenName: 'Star', surname: '* Wildcard', displayName: 'Star * Wildcard' },
  { sAMAccountName: 'paren', givenName: 'Pat', surname: '(Contractor)', displayName: 'Pat (Contractor)' },
  { sAMAccountName: 'bslash', givenName: 'Back', surname: 'Slash\\Admin', displayName: 'Back\\Slash Admin' },
  { sAMAccountName: 'jdoe', givenName: 'John', surname: 'Doe', enabled: false, department: 'Former staff' },
  { sAMAccountName: 'svc-backup', givenName: 'Backup', surname: 'Service', ou: UNSYNCED_OU },
  {
    sAMAccountName: 'cguid',
    givenName: 'Consuela',
    surname: 'Guidry',
    mail: 'consuela.guidry@corp.example.test',
    consistencyGuid: '35918bc9-196d-40ea-9779-889d79b753f0',
  },
];

/**
 * A real Samba AD domain controller, provisioned fresh into a temp folder and run in the
 * foreground on loopback. Like a hardened AD it refuses simple binds over plain LDAP, so the
 * fixture binds over LDAPS with the DC's own CA.
 */
export class SambaDc {
  readonly adminDn = `CN=Administrator,CN=Users,${BASE_DN}`;
  readonly adminPassword = `Anchor-${randomBytes(9).toString('base64url')}1!`;
  readonly ldapUrl = `ldap://127.0.0.1:${LDAP_PORT}`;
  readonly ldapsUrl = `ldaps://127.0.0.1:${LDAPS_PORT}`;
  readonly baseDn = BASE_DN;
  readonly logFile: string;
  private process?: ChildProcess;
  private readonly seeded: SeededUser[] = [];

  private constructor(
    private readonly dir: string,
    outputDir: string,
    private readonly log: (line: string) => void,
  ) {
    this.logFile = path.join(outputDir, 'samba.log');
  }

  /** The CA certificate of the DC's self-signed LDAPS certificate. */
  get caFile(): string {
    return path.join(this.dir, 'private', 'tls', 'ca.pem');
  }

  /** Users seeded so far. */
  get users(): readonly SeededUser[] {
    return this.seeded;
  }

  /** Provisions a new domain, starts the DC and waits until an LDAPS bind works. */
  static async start(
    log: (line: string) => void = (l) => console.log(`      [samba-dc] ${l}`),
  ): Promise<SambaDc> {
    ensureSystemPackages(SAMBA);
    if (process.getuid?.() !== 0) {
      throw new Error(
        'The Samba AD DC fixture needs root (samba binds ports 389/636). Run the tests as root.',
      );
    }
    for (const port of [LDAP_PORT, LDAPS_PORT]) {
      if (await portInUse(port)) {
        throw new Error(
          `Port ${port} on 127.0.0.1 is already in use. Stop the other LDAP server first ` +
            `(a DC left from an earlier run? try: pkill -f 'samba -F').`,
        );
      }
    }
    const outputDir = path.join(PROJECT_ROOT, 'test-output', 'samba');
    mkdirSync(outputDir, { recursive: true });
    const dc = new SambaDc(mkdtempSync(path.join(os.tmpdir(), 'anchor-samba-')), outputDir, log);
    try {
      dc.provision();
      await dc.run();
      return dc;
    } catch (err) {
      await dc.stop();
      throw err;
    }
  }

  private provision(): void {
    const started = Date.now();
    const result = spawnSync(
      'samba-tool',
      [
        'domain',
        'provision',
        `--realm=${REALM}`,
        `--domain=${DOMAIN}`,
        '--server-role=dc',
        '--dns-backend=NONE',
        `--adminpass=${this.adminPassword}`,
        `--targetdir=${this.dir}`,
        `--host-name=${HOST_NAME}`,
        '--option=interfaces=lo',
        '--option=bind interfaces only=yes',
      ],
      { encoding: 'utf8', timeout: 180_000 },
    );
    if (result.status !== 0) {
      throw new Error(
        `samba-tool domain provision failed (exit ${result.status}):\n${result.stderr}${result.stdout}`,
      );
    }
    this.log(`provisioned ${REALM} in ${this.dir} (${Date.now() - started} ms)`);
  }

  private async run(): Promise<void> {
    const started = Date.now();
    const out = openSync(this.logFile, 'a');
    // Its own process group, so stopping it also stops samba's prefork workers.
    this.process = spawn('samba', ['-F', '--debug-stdout', '-s', path.join(this.dir, 'etc', 'smb.conf')], {
      stdio: ['ignore', out, out],
      detached: true,
    });
    closeSync(out);
    const child = this.process;
    const killOnExit = () => killGroup(child, 'SIGKILL');
    process.once('exit', killOnExit);
    child.once('exit', () => process.removeListener('exit', killOnExit));

    const deadline = Date.now() + 60_000;
    let lastError: unknown;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) {
        throw new Error(`samba exited with code ${child.exitCode}; see ${this.logFile}`);
      }
      try {
        const client = await this.bind();
        const { searchEntries } = await client.search('', { scope: 'base', attributes: ['dnsHostName'] });
        await client.unbind();
        this.log(
          `samba is up (${Date.now() - started} ms); LDAP bind as ${this.adminDn} over ${this.ldapsUrl} ok, ` +
            `DC ${String(searchEntries[0]?.dnsHostName)}`,
        );
        return;
      } catch (err) {
        lastError = err;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    throw new Error(
      `samba did not accept an LDAPS bind within 60 s: ${String(lastError)}; see ${this.logFile}`,
    );
  }

  /** TLS options that trust the DC's CA and check the certificate against the DC's name. */
  tlsOptions(): tls.ConnectionOptions {
    return {
      ca: readFileSync(this.caFile),
      // The test connects to 127.0.0.1; the certificate names the DC, which is what must match.
      checkServerIdentity: (_host, cert) => tls.checkServerIdentity(DC_FQDN, cert),
    };
  }

  /** The LDAP_* settings that point an Anchor process at this DC over LDAPS with its CA. */
  ldapEnv(): Record<string, string> {
    return {
      LDAP_URL: this.ldapsUrl,
      LDAP_BIND_DN: this.adminDn,
      LDAP_BIND_PASSWORD: this.adminPassword,
      LDAP_BASE_DN: BASE_DN,
      LDAP_CA_FILE: this.caFile,
      LDAP_TLS_SERVER_NAME: DC_FQDN,
      LDAP_SYNC_OUS: SYNCED_OU,
    };
  }

  /**
   * Directory options for Anchor pointing at this DC over LDAPS with its CA, bound as the
   * domain administrator (the fixture has no other account with a password).
   */
  ldapOptions(overrides: Partial<LdapOptions> = {}): LdapOptions {
    return {
      url: this.ldapsUrl,
      bindDn: this.adminDn,
      bindPassword: this.adminPassword,
      baseDn: BASE_DN,
      caFile: this.caFile,
      tlsServerName: DC_FQDN,
      tlsInsecure: false,
      syncScopeOus: [SYNCED_OU],
      sourceAnchor: 'auto',
      connectTimeoutMs: 3000,
      operationTimeoutMs: 5000,
      pageSize: 500,
      ...overrides,
    };
  }

  /**
   * Runs `ldapsearch` as an admin would type it and returns its LDIF. The certificate names the
   * DC, not 127.0.0.1, and OpenLDAP has no way to check it against another name, so this one
   * tool runs with LDAPTLS_REQCERT=allow; Anchor's own TLS checks are tested separately.
   */
  ldapsearch(filter: string, attributes: string[]): string {
    return execFileSync(
      'ldapsearch',
      [
        '-LLL',
        '-x',
        '-H',
        this.ldapsUrl,
        '-D',
        this.adminDn,
        '-w',
        this.adminPassword,
        '-b',
        BASE_DN,
        filter,
        ...attributes,
      ],
      {
        encoding: 'utf8',
        env: { ...process.env, LDAPTLS_CACERT: this.caFile, LDAPTLS_REQCERT: 'allow' },
        maxBuffer: 64 << 20,
      },
    );
  }

  /** A client bound as the domain administrator over LDAPS. */
  async bind(): Promise<Client> {
    const client = new Client({
      url: this.ldapsUrl,
      tlsOptions: this.tlsOptions(),
      connectTimeout: 3000,
      timeout: 10_000,
    });
    try {
      await client.bind(this.adminDn, this.adminPassword);
    } catch (err) {
      await client.unbind().catch(() => undefined);
      throw err;
    }
    return client;
  }

  /** Creates the OUs and users over LDAP, as an admin tool would. */
  async seed(users: SeedUser[] = STANDARD_USERS): Promise<SeededUser[]> {
    const client = await this.bind();
    try {
      for (const ou of [SYNCED_OU, UNSYNCED_OU]) await this.ensureOu(client, ou);
      const created: SeededUser[] = [];
      for (const user of users) created.push(await this.addUser(client, user));
      this.seeded.push(...created);
      this.log(`seeded ${created.length} users over LDAP`);
      return created;
    } finally {
      await client.unbind();
    }
  }

  /**
   * Moves a seeded user to another OU the way an AD admin does without a GUI: `ldapmodify` with a
   * modrdn change (new superior), over LDAPS as the domain administrator. Returns the new DN.
   */
  moveUser(sAMAccountName: string, ou: string): string {
    const user = this.seeded.find((u) => u.sAMAccountName === sAMAccountName);
    if (!user) throw new Error(`${sAMAccountName} was not seeded by this fixture`);
    const rdn = new DN({ CN: user.displayName ?? `${user.givenName} ${user.surname}` }).toString();
    const ldif = [
      `dn: ${user.dn}`,
      'changetype: modrdn',
      `newrdn: ${rdn}`,
      'deleteoldrdn: 1',
      `newsuperior: ${ou}`,
      '',
    ];
    execFileSync('ldapmodify', ['-x', '-H', this.ldapsUrl, '-D', this.adminDn, '-w', this.adminPassword], {
      input: ldif.join('\n'),
      encoding: 'utf8',
      // As in ldapsearch(): the certificate names the DC, not 127.0.0.1.
      env: { ...process.env, LDAPTLS_CACERT: this.caFile, LDAPTLS_REQCERT: 'allow' },
    });
    user.dn = `${rdn},${ou}`;
    user.ou = ou;
    this.log(`moved ${sAMAccountName} to ${ou}`);
    return user.dn;
  }

  private async ensureOu(client: Client, dn: string): Promise<void> {
    const { searchEntries } = await client.search(BASE_DN, {
      scope: 'sub',
      filter: new EqualityFilter({ attribute: 'distinguishedName', value: dn }),
      attributes: ['dn'],
    });
    if (searchEntries.length === 0) {
      await client.add(dn, { objectClass: ['top', 'organizationalUnit'], ou: dn.split(',')[0].slice(3) });
    }
  }

  private async addUser(client: Client, user: SeedUser): Promise<SeededUser> {
    const displayName = user.displayName ?? `${user.givenName} ${user.surname}`;
    const parent = user.ou ?? SYNCED_OU;
    // ldapts escapes the RDN value (`\`, `,`, `+`, `"`, …), so awkward names make valid DNs.
    const dn = `${new DN({ CN: displayName }).toString()},${parent}`;
    const userPrincipalName = `${user.sAMAccountName}@${REALM.toLowerCase()}`;
    const password = `Seed-${randomBytes(9).toString('base64url')}9!`;
    const attributes: Attribute[] = [
      attr('objectClass', ['top', 'person', 'organizationalPerson', 'user']),
      attr('sAMAccountName', [user.sAMAccountName]),
      attr('userPrincipalName', [userPrincipalName]),
      attr('givenName', [user.givenName]),
      attr('sn', [user.surname]),
      attr('displayName', [displayName]),
      attr('unicodePwd', [Buffer.from(`"${password}"`, 'utf16le')]),
      attr('userAccountControl', [String(user.enabled === false ? 514 : 512)]),
    ];
    if (user.mail) attributes.push(attr('mail', [user.mail]));
    if (user.proxyAddresses) attributes.push(attr('proxyAddresses', user.proxyAddresses));
    if (user.department) attributes.push(attr('department', [user.department]));
    if (user.title) attributes.push(attr('title', [user.title]));
    if (user.consistencyGuid)
      attributes.push(attr('mS-DS-ConsistencyGuid', [guidToBytes(user.consistencyGuid)]));
    await client.add(dn, attributes);
    return { ...user, displayName, dn, userPrincipalName };
  }

  /**
   * Adds `count` plain users (`<prefix>00001`…) under `ou`, over several connections at once.
   * They get no password and stay disabled, which keeps seeding fast (no hashing).
   */
  async seedBulk(prefix: string, count: number, ou: string = SYNCED_OU, connections = 4): Promise<void> {
    const started = Date.now();
    let next = 0;
    const worker = async () => {
      const client = await this.bind();
      try {
        for (let i = next++; i < count; i = next++) {
          const n = String(i + 1).padStart(5, '0');
          const sam = `${prefix}${n}`;
          await client.add(`CN=${sam},${ou}`, [
            attr('objectClass', ['top', 'person', 'organizationalPerson', 'user']),
            attr('sAMAccountName', [sam]),
            attr('userPrincipalName', [`${sam}@${REALM.toLowerCase()}`]),
            attr('givenName', [prefix]),
            attr('sn', [`User ${n}`]),
            attr('displayName', [`${prefix} User ${n}`]),
            attr('mail', [`${sam}@corp.example.test`]),
            attr('userAccountControl', ['514']),
          ]);
        }
      } finally {
        await client.unbind();
      }
    };
    await Promise.all(Array.from({ length: connections }, worker));
    this.log(`seeded ${count} bulk users "${prefix}…" over LDAP (${Date.now() - started} ms)`);
  }

  /** Freezes the DC's processes: connections stay open but nothing answers (a hung DC). */
  freeze(): void {
    if (this.process) killGroup(this.process, 'SIGSTOP');
  }

  /** Lets a frozen DC run again. */
  thaw(): void {
    if (this.process) killGroup(this.process, 'SIGCONT');
  }

  /** Stops the DC but keeps its database, so {@link restart} brings the same domain back. */
  async halt(): Promise<void> {
    await this.stopProcess();
  }

  /** Starts a halted DC again on the same database and waits until it answers. */
  async restart(): Promise<void> {
    await this.run();
  }

  /** Stops the DC and removes its database; the log stays in test-output/. */
  async stop(): Promise<void> {
    await this.stopProcess();
    rmSync(this.dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  }

  private async stopProcess(): Promise<void> {
    const child = this.process;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      killGroup(child, 'SIGCONT'); // a frozen DC cannot handle SIGTERM
      killGroup(child, 'SIGTERM');
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
      killGroup(child, 'SIGKILL'); // any worker that outlived the master
      this.log('samba stopped');
    }
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid) process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

function attr(type: string, values: string[] | Buffer[]): Attribute {
  return new Attribute({ type, values });
}

/** True when something listens on the loopback `port`. */
export function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
