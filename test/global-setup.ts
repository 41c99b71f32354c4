import { execFileSync } from 'node:child_process';
import path from 'node:path';

/** Tests start the real daemon from dist/, so compile once before any test runs. */
export default function setup(): void {
  const root = path.resolve(import.meta.dirname, '..');
  execFileSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', root], { stdio: 'inherit' });
}
