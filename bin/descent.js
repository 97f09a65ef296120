#!/usr/bin/env node
// The `descent` command: runs the compiled CLI in dist/ (`npm run build` makes it).
const cli = await import('../dist/cli/main.js').catch((err) => {
  if (err?.code !== 'ERR_MODULE_NOT_FOUND') throw err;
  process.stderr.write(`descent: the CLI is not built (${err.message.split('\n')[0]}); run \`npm run build\`\n`);
  process.exit(1);
});
process.exitCode = await cli.main(process.argv);
