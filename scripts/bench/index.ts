/**
 * npm run bench [-- --quick]
 *
 * Runs the benchmark (run.ts) in a child process sized for this machine: two cores are shared
 * by the server process and this one, so libuv gets two threads; the heap is capped well above
 * what a 100k pull needs, and --expose-gc lets the memory figure start from a collected heap.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';

const runScript = path.join(__dirname, 'run.ts');
const child = spawn(
  process.execPath,
  ['--max-old-space-size=1536', '--expose-gc', '--import', 'tsx', runScript, ...process.argv.slice(2)],
  { stdio: 'inherit', env: { ...process.env, UV_THREADPOOL_SIZE: '2' } },
);
const forward = (signal: NodeJS.Signals): void => {
  child.kill(signal);
};
process.on('SIGINT', forward);
process.on('SIGTERM', forward);
child.on('exit', (code, signal) => {
  process.exit(code ?? (signal ? 1 : 0));
});
