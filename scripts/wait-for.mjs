#!/usr/bin/env node
// Usage: node scripts/wait-for.mjs URL [timeoutSeconds] [pid]
// Polls URL until it answers 2xx; exits 1 on timeout, or at once if process `pid` has exited.
const [url, timeoutArg = '60', pidArg] = process.argv.slice(2);
if (!url) {
  console.error('usage: wait-for.mjs URL [timeoutSeconds] [pid]');
  process.exit(2);
}
const deadline = Date.now() + Number(timeoutArg) * 1000;
const t0 = Date.now();
function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
for (;;) {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    if (res.ok) {
      console.log(`ready: ${url} (${Date.now() - t0} ms)`);
      process.exit(0);
    }
  } catch {
    // not listening yet
  }
  if (pidArg && !alive(Number(pidArg))) {
    console.error(`process ${pidArg} exited before ${url} answered`);
    process.exit(1);
  }
  if (Date.now() > deadline) {
    console.error(`timed out after ${timeoutArg} s waiting for ${url}`);
    process.exit(1);
  }
  await new Promise((r) => setTimeout(r, 200));
}
