// How the browser scripts end: process.exit() drops what is still queued for a pipe (Node writes
// to a pipe asynchronously: a 1 MB result line arrived cut at 64 KiB under load), so the exit waits
// for everything written so far to reach the pipe. The promise never settles: `await` it, and
// nothing after it runs.
export function exitAfterOutput(code) {
  return new Promise(() => {
    process.stdout.write('', () => process.exit(code));
  });
}
