// Shared by the package tests: pack the built package once into a temp dir, install it into a
// throw-away consumer project (no registry access needed: the package has no dependencies).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// Temp dirs made here are removed when the test process exits (KEEP_TMP=1 keeps them to debug).
const made = [];
process.on('exit', () => {
  if (process.env.KEEP_TMP === '1') return;
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});
function tempDir(prefix) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const bin = (name) => path.join(root, 'node_modules', '.bin', name);

export function npm(args, opts = {}) {
  return execFileSync('npm', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...opts });
}

/** `npm pack` into a fresh temp dir; returns the tarball path. */
export function packTarball() {
  const dir = tempDir('account-link-pack-');
  const out = JSON.parse(npm(['pack', '--json', '--pack-destination', dir]));
  return path.join(dir, out[0].filename);
}

/**
 * A consumer project in a temp dir: copies tests/package/consumer/, then installs the tarball.
 * Returns the project dir.
 */
export function makeConsumer(tarball) {
  const dir = tempDir('account-link-consumer-');
  fs.cpSync(path.join(root, 'tests', 'package', 'consumer'), dir, { recursive: true });
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--offline', '--no-package-lock', tarball], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return dir;
}

/** True while dist/ holds the build's stand-in entry (scripts/fallback/) instead of js/index.js. */
export function usesStandInEntry() {
  return fs.readFileSync(path.join(root, 'dist', 'index.js'), 'utf8').includes('STAND-IN');
}
