import type { JsonValue } from '../../../../common/table-schema';
import type { KeyValueStore } from '../../../../main/store/types';

/** A KeyValueStore in memory, storing JSON copies as the real one does. */
export class MemoryKeyValues implements KeyValueStore {
  readonly entries = new Map<string, string>();
  failWrites = false;

  get(key: string): JsonValue | undefined {
    const text = this.entries.get(key);
    return text === undefined ? undefined : (JSON.parse(text) as JsonValue);
  }

  set(key: string, value: JsonValue): void {
    if (this.failWrites) throw new Error('disk full');
    this.entries.set(key, JSON.stringify(value));
  }

  delete(key: string): boolean {
    return this.entries.delete(key);
  }
}

/** A logger that keeps every line, to check what reaches the log file. */
export function recordingLogger() {
  const lines: string[] = [];
  const record =
    (level: string) =>
    (message: string, ...details: unknown[]): void => {
      lines.push(`${level} ${message} ${details.map((d) => JSON.stringify(d)).join(' ')}`);
    };
  return { lines, info: record('info'), warn: record('warn'), error: record('error') };
}
