/** Timing and resource measurement for the benchmark. */
import { monitorEventLoopDelay } from 'node:perf_hooks';

export async function timed<T>(step: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await step();
  return { ms: performance.now() - start, value };
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of nothing');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

export function perSecond(count: number, ms: number): number {
  return (count / ms) * 1000;
}

/** Collects garbage when the process runs with --expose-gc, so a memory baseline is stable. */
export function collectGarbage(): void {
  const gc: unknown = (globalThis as { gc?: unknown }).gc;
  if (typeof gc === 'function') (gc as () => void)();
}

export interface ResourceReport {
  /**
   * The longest the event loop was blocked, in ms: the longest interval between two ticks of
   * perf_hooks.monitorEventLoopDelay, whose histogram records the whole interval between its
   * timer's ticks, not how late a tick came. Its resolution (the timer's period) is therefore
   * 1 ms: at the default 10 ms, a 15 ms block read as 15–25 ms (23 ms measured here), and an
   * idle loop as 10.
   */
  eventLoopMaxDelayMs: number;
  /** Highest resident set size seen above the baseline taken at the start, in MB. */
  peakRssGrowthMb: number;
}

/**
 * Watches the event loop and the resident set size of this process from now until `stop()`.
 * RSS is sampled every few milliseconds (and once more at the end): a peak shorter than that
 * could be missed, but the sampler itself runs on the event loop, so a long block would show
 * up in the delay figure anyway.
 */
export function watchResources(sampleEveryMs = 5): { stop(): ResourceReport } {
  collectGarbage();
  const baseline = process.memoryUsage.rss();
  let peak = baseline;
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, sampleEveryMs);
  return {
    stop() {
      clearInterval(sampler);
      delay.disable();
      peak = Math.max(peak, process.memoryUsage.rss());
      return {
        eventLoopMaxDelayMs: delay.max / 1e6,
        peakRssGrowthMb: (peak - baseline) / (1024 * 1024),
      };
    },
  };
}
