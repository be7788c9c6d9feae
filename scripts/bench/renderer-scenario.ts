/** renderer-first-paint-10k: placeholder until the Playwright harness lands (see report). */
import type { BenchReport } from './report';

export async function rendererFirstPaint(
  _report: BenchReport,
  _options: { folder: string; items: number },
): Promise<void> {
  throw new Error('the Playwright harness (test/e2e/support/harness.ts) is not available yet');
}
