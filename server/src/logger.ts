import type { Connection } from 'vscode-languageserver';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';
const ORDER: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };

/** The server's log, shown in the client's output channel, filtered by `mldebt.logLevel`. */
export class Logger {
  level: LogLevel = 'info';

  constructor(private readonly connection: Connection) {}

  setLevel(value: unknown): void {
    if (typeof value === 'string' && value in ORDER) this.level = value as LogLevel;
  }

  error(message: string): void {
    this.connection.console.error(message);
  }

  warn(message: string): void {
    if (ORDER[this.level] >= ORDER.warn) this.connection.console.warn(message);
  }

  info(message: string): void {
    if (ORDER[this.level] >= ORDER.info) this.connection.console.info(message);
  }

  debug(message: string): void {
    if (ORDER[this.level] >= ORDER.debug) this.connection.console.log(message);
  }
}
