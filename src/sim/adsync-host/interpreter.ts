import { bindParameters } from './binder';
import type { BoundParameters } from './binder';
import { CmdletError, commandNotFound } from './errors';
import { formatOutput } from './format-output';
import { parseLine, PsParseError } from './parser';
import type { ParsedCommand, PsLiteral } from './parser';
import { PIPELINE_CMDLETS } from './pipeline-cmdlets';
import type { PipelineCmdlet } from './pipeline-cmdlets';
import type { PsValue } from './ps-values';
import { SERVER_CMDLETS } from './server-cmdlets';
import type { HostContext, ServerCmdlet } from './server-cmdlets';
import type { AdSyncHistoryEntry } from './state';

/** Where the host writes: each call is one line on stdout or stderr. */
export interface OutputSink {
  out(text: string): void;
  err(text: string): void;
}

/** The host's reach, plus how to wait (replaceable in unit tests). */
export interface SessionContext extends HostContext {
  sleep(ms: number): Promise<void>;
}

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

  constructor(
    private readonly ctx: SessionContext,
    private readonly sink: OutputSink,
  ) {}

  /** Runs one input line; resolves when it is done (never, for a hung cmdlet). */
  async runLine(line: string): Promise<void> {
    let statements;
    try {
      statements = parseLine(line);
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
      } else if (!(await this.runPipeline(statement.commands)) && this.stopOnError()) {
        return;
      }
    }
  }

  private stopOnError(): boolean {
    return String(this.variables.get('erroractionpreference') ?? '').toLowerCase() === 'stop';
  }

  /** Runs a pipeline; false when it failed (the error is already written). */
  private async runPipeline(commands: ParsedCommand[]): Promise<boolean> {
    try {
      // PowerShell finds every command and binds named parameters before running any of them.
      const resolved = commands.map(resolve);
      let values: PsValue[] = [];
      for (const step of resolved) {
        values =
          step.kind === 'server'
            ? await this.runServer(step.cmdlet, step.params)
            : step.cmdlet.run(step.params, values);
      }
      if (values.length) this.sink.out(formatOutput(values));
      return true;
    } catch (error) {
      if (!(error instanceof CmdletError)) throw error;
      this.sink.err(error.render());
      return false;
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
    try {
      if (failure !== undefined) throw new CmdletError(cmdlet.name, failure);
      const result = await cmdlet.run(this.ctx, params);
      this.record({ ...entry, outcome: 'ok', ...result.history });
      return result.output;
    } catch (error) {
      if (error instanceof CmdletError) this.record({ ...entry, outcome: 'error', message: error.message });
      throw error;
    }
  }

  private record(entry: Omit<AdSyncHistoryEntry, 'at'>): void {
    this.ctx.state.update((data) => {
      data.history = [...data.history, { at: this.ctx.now().toISOString(), ...entry }].slice(-HISTORY_LIMIT);
    });
  }
}
