'use strict';
// Node preload: exit when the process named by AIOKPL_EXIT_WITH_PID is gone. The
// test kit starts emulators from a JVM and stops them in a shutdown hook; this covers
// a JVM that dies without running its hooks (SIGKILL, a killed test fork).
const watched = Number(process.env.AIOKPL_EXIT_WITH_PID);
if (Number.isInteger(watched) && watched > 0) {
  setInterval(() => {
    try {
      process.kill(watched, 0);
    } catch (err) {
      if (err.code === 'ESRCH') {
        process.exit(0);
      }
    }
  }, 1000).unref();
}
