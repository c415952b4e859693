/** Entry point of the `iseg` command (bin/iseg.js runs the bundle built from this file). */
import { runCli } from './run-cli';

process.exitCode = await runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
});
