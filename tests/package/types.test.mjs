// The packed package's TypeScript declarations compile in a consumer project (strict, with the
// declarations themselves checked: skipLibCheck false), under both Bundler and NodeNext resolution.
import { test } from 'node:test';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { bin, makeConsumer, packTarball, root } from './helpers.mjs';

const consumer = makeConsumer(packTarball());

// Once js/callback.d.ts exists, the `account-link/callback` subpath is type-checked too.
if (fs.existsSync(path.join(root, 'dist', 'callback.d.ts'))) {
  fs.writeFileSync(
    path.join(consumer, 'src', 'callback.ts'),
    "import { handlePopupCallback } from 'account-link/callback';\nexport const outcome: string = handlePopupCallback();\n",
  );
}

for (const project of ['tsconfig.json', 'tsconfig.nodenext.json']) {
  test(`a consumer type-checks against the packed types (${project})`, () => {
    try {
      execFileSync(bin('tsc'), ['--noEmit', '-p', project], { cwd: consumer, encoding: 'utf8', stdio: 'pipe' });
    } catch (e) {
      throw new Error(`tsc -p ${project} failed:\n${e.stdout}${e.stderr}`);
    }
  });
}
