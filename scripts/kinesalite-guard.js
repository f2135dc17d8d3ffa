'use strict';
// Node preload for kinesalite on Node 20: when a client abandons a request
// before the answer, the request emits ECONNRESET "aborted" and kinesalite
// re-throws it as an uncaught exception, which would end the emulator under
// the next test. Swallow exactly that error; anything else still kills the
// process, as Node would.
process.on('uncaughtException', (err, origin) => {
  if (err && err.code === 'ECONNRESET' && err.message === 'aborted') {
    return;
  }
  process.stderr.write(`${origin}: ${err && err.stack ? err.stack : err}\n`);
  process.exit(1);
});
