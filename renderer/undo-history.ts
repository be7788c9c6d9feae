/**
 * Undo and redo for todo changes, several levels deep. An entry knows how to undo and redo
 * itself through the API; this class only keeps the two stacks and runs one step at a time, so
 * a fast Ctrl+Z Ctrl+Z never interleaves two steps' requests.
 *
 * Undoing a change that already synced is simply another change (an update back, or the todo
 * added again): it is queued and synced like any edit.
 */

export interface UndoEntry {
  /** What the change was, for people: "Completed “Buy milk”". */
  label: string;
  undo(): Promise<void>;
  redo(): Promise<void>;
  /**
   * Consecutive entries with the same key merge into one step: typing notes autosaves many
   * times, and one Ctrl+Z should take the whole edit back.
   */
  mergeKey?: string;
  /** Names the change, so it can be dropped when it was undone another way (the toast's Undo). */
  subject?: string;
}

export type UndoOutcome =
  | { kind: 'done'; entry: UndoEntry }
  | { kind: 'empty' }
  | { kind: 'failed'; entry: UndoEntry; error: unknown };

export const UNDO_LEVELS = 100;

export class UndoHistory {
  private past: UndoEntry[] = [];
  private future: UndoEntry[] = [];
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly onChange: () => void = () => undefined,
    private readonly levels = UNDO_LEVELS,
  ) {}

  get canUndo(): boolean {
    return this.past.length > 0;
  }

  get canRedo(): boolean {
    return this.future.length > 0;
  }

  get nextUndo(): UndoEntry | undefined {
    return this.past.at(-1);
  }

  get nextRedo(): UndoEntry | undefined {
    return this.future.at(-1);
  }

  /** A new change: it can be undone, and what was undone before can no longer be redone. */
  record(entry: UndoEntry): void {
    const top = this.past.at(-1);
    if (entry.mergeKey !== undefined && top?.mergeKey === entry.mergeKey) {
      // The first entry's undo goes back to before the whole edit; the last one's redo to its end.
      this.past[this.past.length - 1] = { ...entry, undo: top.undo };
    } else {
      this.past.push(entry);
      if (this.past.length > this.levels) this.past.shift();
    }
    this.future = [];
    this.onChange();
  }

  /** Ends merging: the next entry with the same key is a step of its own. */
  seal(): void {
    const top = this.past.at(-1);
    if (top?.mergeKey !== undefined) this.past[this.past.length - 1] = { ...top, mergeKey: undefined };
  }

  undo(): Promise<UndoOutcome> {
    return this.step(this.past, this.future, (entry) => entry.undo());
  }

  redo(): Promise<UndoOutcome> {
    return this.step(this.future, this.past, (entry) => entry.redo());
  }

  /** Forgets the changes about `subject`: they were undone outside this history. */
  discard(subject: string): void {
    const before = this.past.length + this.future.length;
    this.past = this.past.filter((entry) => entry.subject !== subject);
    this.future = this.future.filter((entry) => entry.subject !== subject);
    if (this.past.length + this.future.length !== before) this.onChange();
  }

  clear(): void {
    this.past = [];
    this.future = [];
    this.onChange();
  }

  private step(
    from: UndoEntry[],
    to: UndoEntry[],
    run: (entry: UndoEntry) => Promise<void>,
  ): Promise<UndoOutcome> {
    const next = this.running.then(async (): Promise<UndoOutcome> => {
      const entry = from.pop();
      if (!entry) return { kind: 'empty' };
      try {
        await run(entry);
      } catch (error) {
        // The todo went away meanwhile (deleted on another device...): this step cannot be taken
        // again, so it leaves the history instead of failing on every Ctrl+Z.
        this.onChange();
        return { kind: 'failed', entry, error };
      }
      to.push({ ...entry, mergeKey: undefined });
      this.onChange();
      return { kind: 'done', entry };
    });
    this.running = next.catch(() => undefined);
    return next;
  }
}
