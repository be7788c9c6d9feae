/**
 * The account whose engine the app uses now (it changes when another person signs in), and
 * the queue that sync passes, account switches and closing take turns on: a pass runs wholly
 * on one account's engine, and a switch never pulls a store from under a pass.
 */
import type { AccountEngine } from './accounts';

export class CurrentAccount {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(public engine: AccountEngine) {}

  /** Runs `task` after every task queued before it, whether they succeeded or not. */
  exclusively<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Settles once the tasks queued so far have run (a switch a sign-in started, say). */
  settled(): Promise<unknown> {
    return this.queue;
  }
}
