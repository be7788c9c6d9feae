/**
 * Imported first by main.tsx. Zod compiles faster parsers with `new Function` when it may, and
 * probes for that on first use; the renderer's CSP forbids eval and its Trusted Types policy
 * refuses any string turned into code (main/shell/csp.ts), so the probe would only be reported
 * as a violation. jitless skips the probe and the compiled parsers.
 */
import { z } from 'zod';

z.config({ jitless: true });
