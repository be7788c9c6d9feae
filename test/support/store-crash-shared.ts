/** Sizes shared by the crash test and its child process (store-crash-child.ts). */
export const CRASH_BATCH_SIZE = 2000;
/** Rows of ~1 KB in the held transaction: more than the 16 MB page cache, so pages spill to the WAL. */
export const CRASH_HOLD_ROWS = 20_000;
