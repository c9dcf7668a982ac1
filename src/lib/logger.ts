// The leveled logger: JSON lines (pino) when stderr is not a terminal or LOG_FORMAT=json, one readable line on a terminal;
// scoped by component, with structured fields (camera, alert, node ids); tests pass quiet=true.
import { pino } from 'pino';

/** Structured fields of a line: ids and small values, never frames, crops or secrets. */
export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger for a part: `scope` is appended to this one's ('' keeps it), `fields` go on every line. */
  child(scope: string, fields?: LogFields): Logger;
}

export type LogFormat = 'json' | 'text';

export interface LoggerOptions {
  /** Default: LOG_FORMAT (json or text), else text on a terminal and json otherwise (journald, Docker, files). */
  format?: LogFormat;
  /** Where lines go. Default: stderr (written synchronously, so no line is lost when the process exits). */
  destination?: { write(line: string): unknown };
}

/**
 * The logger exists before the config is read (it reports config errors), so LOG_FORMAT is read here
 * rather than through src/config like every other setting.
 */
export function defaultLogFormat(
  env: NodeJS.ProcessEnv = process.env,
  isTTY = Boolean(process.stderr.isTTY),
): LogFormat {
  if (env.LOG_FORMAT === 'json' || env.LOG_FORMAT === 'text') return env.LOG_FORMAT;
  return isTTY ? 'text' : 'json';
}

type Level = 'info' | 'warn' | 'error';
type Write = (level: Level, scope: string, fields: LogFields, msg: string) => void;

let stderrDestination: pino.DestinationStream | null = null;

export function createLogger(scope = 'vigil', quiet = false, opts: LoggerOptions = {}): Logger {
  const format = opts.format ?? defaultLogFormat();
  const write = format === 'json' ? jsonWriter(quiet, opts.destination) : textWriter(quiet, opts.destination);
  return scoped(write, scope, {});
}

function scoped(write: Write, scope: string, fields: LogFields): Logger {
  return {
    info: (m, f) => write('info', scope, f ? { ...fields, ...f } : fields, m),
    warn: (m, f) => write('warn', scope, f ? { ...fields, ...f } : fields, m),
    error: (m, f) => write('error', scope, f ? { ...fields, ...f } : fields, m),
    child: (s, f) => scoped(write, s ? `${scope}:${s}` : scope, f ? { ...fields, ...f } : fields),
  };
}

function jsonWriter(quiet: boolean, destination?: LoggerOptions['destination']): Write {
  stderrDestination ??= destination ? null : pino.destination({ dest: 2, sync: true });
  const root = pino(
    {
      level: quiet ? 'warn' : 'info',
      timestamp: pino.stdTimeFunctions.isoTime,
      // "level":"warn" rather than pino's numbers: readable in journald and matched by log shippers as text.
      formatters: { level: (label) => ({ level: label }) },
    },
    (destination ?? stderrDestination) as pino.DestinationStream,
  );
  // Fields merged per line rather than through pino.child, so a child's scope replaces its parent's instead of repeating the key.
  return (level, scope, fields, msg) => root[level]({ scope, ...defined(fields) }, msg);
}

function textWriter(quiet: boolean, destination?: LoggerOptions['destination']): Write {
  const out = destination ?? process.stderr;
  return (level, scope, fields, msg) => {
    if (quiet && level === 'info') return;
    const extra = Object.entries(defined(fields)).map(
      ([k, v]) => ` ${k}=${typeof v === 'string' && !/\s|"/.test(v) ? v : JSON.stringify(v)}`,
    );
    out.write(`${new Date().toISOString()} ${level.padEnd(5)} [${scope}] ${msg}${extra.join('')}\n`);
  };
}

function defined(fields: LogFields): LogFields {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
}
