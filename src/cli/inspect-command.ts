// `descent inspect FILE`: what a checkpoint holds — the network (a layer table of any kinds of
// layer, with their shapes and state), its tensors,
// its metadata (descent's version, the scaling and classes `descent train --save` kept) and,
// when it carries one, where its training run stands.
// Reading checks the file as loading does: a corrupted file is reported, not shown.
import { Command } from 'commander';
import { readCheckpoint } from '../checkpoint/checkpoint.js';
import { dtypeOf } from '../checkpoint/safetensors.js';
import { ConfigError, DataError } from '../errors.js';
import { readBytes } from './read-text.js';
import { layerTable } from './layer-table.js';
import { resolveSpec } from '../model/spec.js';
import { layerSummaries } from '../network.js';
import type { NetworkSpec, ResolvedNetworkSpec, RunSnapshot } from '../types.js';

export function inspectCommand(): Command {
  return new Command('inspect')
    .description('show what a checkpoint (.safetensors) holds: the network, its tensors and metadata; checks the file as loading does')
    .argument('<file>', 'a checkpoint written by descent (train --save, saveCheckpoint) or a PyTorch state_dict in safetensors')
    .option('--json', 'print one JSON object: spec, tensors (name, shape, dtype), metadata')
    .action((file: string, opts: { json?: boolean }) => inspect(file, opts.json === true));
}

async function inspect(file: string, json: boolean): Promise<void> {
  const bytes = await readBytes(file, 'checkpoint');
  let contents: ReturnType<typeof readCheckpoint>;
  try {
    contents = readCheckpoint(bytes);
  } catch (err) {
    if (err instanceof DataError) throw new DataError(`${file}: ${err.message}`, err.path, err.value);
    throw err;
  }
  const { spec, tensors, metadata } = contents;
  const tensorList = [...tensors].map(([name, t]) => ({ name, shape: t.shape, dtype: dtypeOf(t.data) }));
  if (json) {
    process.stdout.write(JSON.stringify({ spec, tensors: tensorList, metadata }) + '\n');
    return;
  }
  const out = (s: string) => process.stdout.write(`${s}\n`);
  out(`${file}: ${bytes.length.toLocaleString('en-US')} bytes, ${tensors.size} tensors${metadata['descent.crc32'] ? `, CRC-32 ${metadata['descent.crc32']} verified` : ''}`);
  if (spec) {
    const resolved = resolveStored(spec, file);
    const layers = layerSummaries(resolved);
    // A multilayer perceptron by its sizes, as `descent train --layers` takes them; others by their shapes.
    const sizes = layers.every((l) => l.type === 'dense') ? [resolved.inputs, ...layers.map((l) => l.units)].join('-') : `[${resolved.inputShape.join(', ')}] → [${layers[layers.length - 1].outputShape.join(', ')}] in ${layers.length} layers`;
    out(`network ${sizes}, loss ${resolved.loss}, init ${resolved.init}, seed ${resolved.seed}; saved by descent ${metadata['descent.version']}`);
    out(layerTable({ layers, parameters: layers.reduce((s, l) => s + l.parameters, 0) }));
  } else {
    out('no descent metadata (a plain safetensors file, e.g. a PyTorch state_dict):');
  }
  const optimizer = metadata['descent.optimizer'] ? (JSON.parse(metadata['descent.optimizer']) as { type: string; step: number }) : null;
  if (optimizer) {
    const run = metadata['descent.training'] ? (JSON.parse(metadata['descent.training']) as RunSnapshot) : null;
    const where = run ? `, ${run.epoch} epoch${run.epoch === 1 ? '' : 's'} done${run.cursor ? ` and ${run.batch} batch${run.batch === 1 ? '' : 'es'} into the next` : ''}` : '';
    out(`training: ${optimizer.type} state after ${optimizer.step.toLocaleString('en-US')} steps${where}`);
    if (run && metadata['descent.cli.args']) out(`  continue it with: descent train --resume ${file} (add --epochs above ${run.epoch} to train longer than it was set to)`);
  }
  out('tensors');
  const width = Math.max(12, ...tensorList.map((t) => t.name.length + 1));
  // F32 unless said (the row order is I32, BatchNorm's num_batches_tracked I64).
  for (const t of tensorList) out(`  ${t.name.padEnd(width)} [${t.shape.join(', ')}]${t.dtype === 'F32' ? '' : ` ${t.dtype}`}`);
  const extra = Object.entries(metadata).filter(([k]) => !['descent.spec'].includes(k));
  if (extra.length) {
    out('metadata');
    for (const [k, v] of extra) out(`  ${k}: ${v.length > 120 ? `${v.slice(0, 117)}…` : v}`);
  }
}

/** The stored spec with its defaults filled, as loading would build it. */
function resolveStored(spec: NetworkSpec, file: string): ResolvedNetworkSpec {
  try {
    return resolveSpec(spec);
  } catch (err) {
    if (err instanceof ConfigError) throw new DataError(`${file}: its descent.spec is not a network this descent builds (${err.message})`, 'checkpoint.spec', spec);
    throw err;
  }
}
