import { bindParameters } from './binder';
import type { BoundParameters } from './binder';
import { CmdletError, adsyncServiceDown, commandNotFound } from './errors';
import { reportHeartbeat } from './graph-sync';
import { formatOutput } from './format-output';
import { parseLine, PsParseError, PsVariableRef } from './parser';
import type { ParsedArgument, ParsedCommand, PsLiteral, Statement } from './parser';
import { PIPELINE_CMDLETS } from './pipeline-cmdlets';
import type { PipelineCmdlet } from './pipeline-cmdlets';
import { PsDateTime, PsEnum, isPsObject } from './ps-values';
import type { PsValue } from './ps-values';
import { SERVER_CMDLETS } from './server-cmdlets';
import type { HostContext, ServerCmdlet } from './server-cmdlets';
import { AdSyncSimState } from './state';
import type { AdSyncHistoryEntry } from './state';

/** Where the host writes: each call is one line on stdout or stderr. */
export interface OutputSink {
  out(text: string): void;
  err(text: string): void;
}

/** The host's reach (its `sleep` replaceable in unit tests). */
export type SessionContext = HostContext;

/** Preference values under which a stream's records are dropped. */
const SILENT = new Set(['silentlycontinue', 'ignore']);

type Resolved =
  | { kind: 'server'; cmdlet: ServerCmdlet; params: BoundParameters }
  | { kind: 'pipeline'; cmdlet: PipelineCmdlet; params: BoundParameters };

const HISTORY_LIMIT = 500;

function resolve(command: ParsedCommand): Resolved {
  const key = command.name.toLowerCase();
  const server = SERVER_CMDLETS.get(key);
  if (server)
    return {
      kind: 'server',
      cmdlet: server,
      params: bindParameters(server.name, server.parameters, command.arguments),
    };
  const pipe = PIPELINE_CMDLETS.get(key);
  if (pipe)
    return {
      kind: 'pipeline',
      cmdlet: pipe,
      params: bindParameters(pipe.name, pipe.parameters, command.arguments),
    };
  throw commandNotFound(command.name);
}

/** The value of `fields[name]`, matching the cmdlet name case-insensitively. */
function byCmdlet<T>(fields: Record<string, T>, name: string): T | undefined {
  const key = Object.keys(fields).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : fields[key];
}

/**
 * One PowerShell session of the stand-in host: runs input lines in order, keeps variables
 * (`$ErrorActionPreference`), and writes output and errors the way pwsh does when node-powershell
 * drives it: output to stdout, each error as `<cmdlet>: <message>` to stderr.
 */
export class PsSession {
  private readonly variables = new Map<string, PsLiteral>();
  /** Variables assigned a pipeline's output (`$ad = Get-ADSyncConnector | …`), by lower-case name. */
  private readonly outputs = new Map<string, PsValue[]>();

  constructor(
    private readonly ctx: SessionContext,
    private readonly sink: OutputSink,
  ) {}

  /** Runs one input line; resolves when it is done (never, for a hung cmdlet). */
  async runLine(line: string): Promise<void> {
    let statements;
    try {
      statements = parseLine(line, this.ctx.env);
    } catch (error) {
      if (!(error instanceof PsParseError)) throw error;
      this.sink.err(`ParserError: ${error.message}`);
      return;
    }
    for (const statement of statements) {
      if (statement.kind === 'console') {
        if (statement.stream === 'Out') this.sink.out(statement.text);
        else this.sink.err(statement.text);
      } else if (statement.kind === 'assign') {
        this.variables.set(statement.variable.toLowerCase(), statement.value);
      } else if (statement.kind === 'assign-pipeline') {
        const values = await this.runCommands(statement.commands, line);
        this.outputs.set(statement.variable.toLowerCase(), values ?? []);
        if (values === null && this.stopOnError()) return;
      } else if (statement.kind === 'date-text') {
        if (!(await this.runDateText(statement, line)) && this.stopOnError()) return;
      } else if (!(await this.runPipeline(statement.commands, line)) && this.stopOnError()) {
        return;
      }
    }
  }

  /** `[DateTime]::SpecifyKind((…).Property,'Kind').ToString('o')`; false when it failed. */
  private async runDateText(
    statement: Extract<Statement, { kind: 'date-text' }>,
    line: string,
  ): Promise<boolean> {
    const values = await this.runCommands(statement.commands, line);
    if (values === null) return false;
    const first = values[0];
    const key =
      first !== undefined && isPsObject(first)
        ? Object.keys(first).find((k) => k.toLowerCase() === statement.property.toLowerCase())
        : undefined;
    const value = key !== undefined && first !== undefined && isPsObject(first) ? first[key] : null;
    if (!(value instanceof PsDateTime)) {
      const error = new CmdletError(
        'SpecifyKind',
        `Cannot convert argument "value", with value: "${String(value)}", for "SpecifyKind" to type "System.DateTime".`,
        'MethodException',
      );
      this.sink.err(error.render(line));
      return false;
    }
    this.sink.out(value.withKind(statement.dateKind).toRoundTrip());
    return true;
  }

  /** A stream's records are written unless its preference variable silences them. */
  private writes(preference: 'warningpreference' | 'progresspreference'): boolean {
    return !SILENT.has(String(this.variables.get(preference) ?? 'Continue').toLowerCase());
  }

  private stopOnError(): boolean {
    return String(this.variables.get('erroractionpreference') ?? '').toLowerCase() === 'stop';
  }

  /** Runs a pipeline; false when it failed (the error is already written). */
  private async runPipeline(commands: ParsedCommand[], line: string): Promise<boolean> {
    const values = await this.runCommands(commands, line);
    if (values === null) return false;
    if (values.length) this.sink.out(formatOutput(values));
    return true;
  }

  /** The pipeline's output, or null when it failed (the error is already written). */
  private async runCommands(commands: ParsedCommand[], line: string): Promise<PsValue[] | null> {
    try {
      // PowerShell finds every command and binds named parameters before running any of them.
      const resolved = commands.map((c) => resolve(this.withVariables(c)));
      let values: PsValue[] = [];
      for (const step of resolved) {
        values =
          step.kind === 'server'
            ? await this.runServer(step.cmdlet, step.params)
            : step.cmdlet.run(step.params, values);
      }
      return values;
    } catch (error) {
      if (!(error instanceof CmdletError)) throw error;
      this.sink.err(error.render(line));
      return null;
    }
  }

  /**
   * The command with each `$name.Property` argument replaced by its value: null for no object, the
   * value for one, a list for several (which a string parameter then refuses, as PowerShell does).
   */
  private withVariables(command: ParsedCommand): ParsedCommand {
    const args = command.arguments.map((arg, i, all): ParsedArgument => {
      if (!(arg.value instanceof PsVariableRef)) return arg;
      const ref = arg.value;
      const values = (this.outputs.get(ref.variable.toLowerCase()) ?? []).map((v) => {
        if (!isPsObject(v)) return null;
        const key = Object.keys(v).find((k) => k.toLowerCase() === ref.property.toLowerCase());
        return key === undefined ? null : literalOf(v[key]);
      });
      const value = values.length === 0 ? null : values.length === 1 ? values[0] : values;
      // `-Name $x.P` arrives as two words: the parameter, then the value.
      const before = i > 0 ? all[i - 1] : undefined;
      const parameter =
        'parameter' in arg
          ? arg.parameter
          : before && 'parameter' in before && before.value === undefined
            ? before.parameter
            : null;
      if (value === null && parameter !== null) {
        throw new CmdletError(
          command.name,
          `Cannot bind argument to parameter '${parameter}' because it is null.`,
          'ParameterBindingValidationException',
          'InvalidData',
        );
      }
      return { ...arg, value };
    });
    return { ...command, arguments: args };
  }

  /**
   * Writes what a cmdlet put on the warning and progress streams, as 5.1 does with its output
   * redirected: warnings as `WARNING: …` lines among the output (stdout), progress records as
   * serialized CLIXML on stderr. Either corrupts what the relay reads unless the script silences it.
   */
  private writeStreams(cmdlet: string, warnings: string[]): void {
    const noisy = this.ctx.state.read().noisyCmdlet?.toLowerCase() === cmdlet.toLowerCase();
    const all = noisy ? [...warnings, `${cmdlet} is running on a server with pending updates.`] : warnings;
    if (this.writes('warningpreference')) for (const text of all) this.sink.out(`WARNING: ${text}`);
    if (noisy && this.writes('progresspreference')) {
      this.sink.err(
        '#< CLIXML <Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04">' +
          `<Obj S="progress" RefId="0"><TN RefId="0"><T>System.Management.Automation.PSCustomObject</T></TN>` +
          `<MS><I64 N="SourceId">1</I64><PR N="Record"><AV>${cmdlet}</AV><AI>0</AI><Nil /><PI>-1</PI><PC>-1</PC>` +
          '<T>Processing</T><SR>-1</SR><SD> </SD></PR></MS></Obj></Objs>',
      );
    }
  }

  private async runServer(cmdlet: ServerCmdlet, params: BoundParameters): Promise<PsValue[]> {
    const modes = this.ctx.state.read();
    if (modes.slowMs > 0) await this.ctx.sleep(modes.slowMs);
    const entry = { cmdlet: cmdlet.name, parameters: params };
    if (modes.hang && modes.hang.toLowerCase() === cmdlet.name.toLowerCase()) {
      this.record({ ...entry, outcome: 'hang' });
      return new Promise<never>(() => undefined);
    }
    const failure = byCmdlet(modes.fail, cmdlet.name);
    const heartbeatReport = await this.tickHeartbeats();
    const reported = heartbeatReport ? { heartbeatReport } : {};
    try {
      if (failure !== undefined) throw new CmdletError(cmdlet.name, failure);
      // The ADSync cmdlets talk to the service; Get-Service and Restart-Service do not need it.
      if (/-ADSync/i.test(cmdlet.name) && this.ctx.state.read().serviceState !== 'Running') {
        throw adsyncServiceDown(cmdlet.name);
      }
      const result = await cmdlet.run(this.ctx, params);
      this.writeStreams(cmdlet.name, result.warnings ?? []);
      this.record({ ...entry, outcome: 'ok', ...reported, ...result.history });
      return result.output;
    } catch (error) {
      if (error instanceof CmdletError) {
        this.record({ ...entry, outcome: 'error', message: error.message, ...reported });
      }
      throw error;
    }
  }

  /**
   * Writes the PHS heartbeats that fell due since the last cmdlet, and reports the newest one not
   * reported yet to the Graph simulator (once: the state remembers it).
   */
  private async tickHeartbeats(): Promise<AdSyncHistoryEntry['heartbeatReport']> {
    const now = this.ctx.now();
    const before = this.ctx.state.read();
    const due = Date.parse(before.nextHeartbeatAt ?? before.heartbeatsSince) <= now.getTime();
    const newest = (d: typeof before) => d.heartbeatTimes[d.heartbeatTimes.length - 1] ?? null;
    const unreported = (d: typeof before) => {
      const at = newest(d);
      return at !== null && (d.lastReportedHeartbeatAt === null || at > d.lastReportedHeartbeatAt)
        ? at
        : null;
    };
    if (!due && unreported(before) === null) return undefined;
    let report: string | null = null;
    this.ctx.state.update((d) => {
      AdSyncSimState.advanceHeartbeats(d, now);
      report = unreported(d);
      if (report !== null) d.lastReportedHeartbeatAt = report;
    });
    return report === null ? undefined : reportHeartbeat(this.ctx.env, report);
  }

  private record(entry: Omit<AdSyncHistoryEntry, 'at'>): void {
    this.ctx.state.update((data) => {
      data.history = [...data.history, { at: this.ctx.now().toISOString(), ...entry }].slice(-HISTORY_LIMIT);
    });
  }
}

/** A property value as an argument: scalars as they are, an enum by name, others as text. */
function literalOf(value: PsValue): PsLiteral {
  if (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'number' ||
    typeof value === 'boolean'
  ) {
    return value;
  }
  if (value instanceof PsEnum) return value.name;
  return String(value);
}
