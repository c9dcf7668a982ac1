// A small leveled logger: one line per message on stderr, scoped by component; tests pass quiet=true.
export interface Logger {
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
  child(scope: string): Logger;
}

export function createLogger(scope = 'vigil', quiet = false): Logger {
  const write = (level: string, msg: string) => {
    if (quiet && level === 'info') return;
    process.stderr.write(`${new Date().toISOString()} ${level.padEnd(5)} [${scope}] ${msg}\n`);
  };
  return {
    info: (m) => write('info', m),
    warn: (m) => write('warn', m),
    error: (m) => write('error', m),
    child: (s) => createLogger(`${scope}:${s}`, quiet),
  };
}
