#!/usr/bin/env node
// The `descent` command: runs the compiled CLI in dist/ (`npm run build` makes it).
const cli = await import('../dist/cli/main.js').catch((err) => {
  if (err?.code !== 'ERR_MODULE_NOT_FOUND') throw err;
  process.stderr.write(`descent: the CLI is not built (${err.message.split('\n')[0]}); run \`npm run build\`\n`);
  process.exit(1);
});
// Output piped into a reader that stops early (`descent inspect f | head`) is not an error.
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});
process.exitCode = await cli.main(process.argv);
