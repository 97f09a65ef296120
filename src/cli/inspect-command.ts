// `descent inspect FILE`: what a checkpoint holds — the network (a layer table), its tensors,
// its metadata (descent's version, the scaling and classes `descent train --save` kept) and,
// when it carries one, where its training run stands.
// Reading checks the file as loading does: a corrupted file is reported, not shown.
import { Command } from 'commander';
import { readCheckpoint } from '../checkpoint/checkpoint.js';
import { DataError } from '../errors.js';
import { readBytes } from './read-text.js';
import { layerTable } from './layer-table.js';
import type { DenseLayerSpec, RunSnapshot } from '../types.js';

export function inspectCommand(): Command {
  return new Command('inspect')
    .description('show what a checkpoint (.safetensors) holds: the network, its tensors and metadata; checks the file as loading does')
    .argument('<file>', 'a checkpoint written by descent (train --save, saveCheckpoint) or a PyTorch state_dict in safetensors')
    .option('--json', 'print one JSON object: spec, tensors (name, shape), metadata')
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
  const tensorList = [...tensors].map(([name, t]) => ({ name, shape: t.shape }));
  if (json) {
    process.stdout.write(JSON.stringify({ spec, tensors: tensorList, metadata }) + '\n');
    return;
  }
  const out = (s: string) => process.stdout.write(`${s}\n`);
  out(`${file}: ${bytes.length.toLocaleString('en-US')} bytes, ${tensors.size} tensors${metadata['descent.crc32'] ? `, CRC-32 ${metadata['descent.crc32']} verified` : ''}`);
  if (spec) {
    // Dense-only until inspect reads every kind.
    const dense = spec.layers as DenseLayerSpec[];
    const layers = dense.map((l, i) => {
      const fanIn = i === 0 ? spec.inputs as number : dense[i - 1].units;
      return { type: l.type ?? 'dense', units: l.units, activation: l.activation ?? 'linear', weightShape: [l.units, fanIn] as [number, number], biasShape: [l.units] as [number], parameters: l.units * fanIn + l.units };
    });
    out(`network ${[spec.inputs, ...dense.map((l) => l.units)].join('-')}, loss ${spec.loss}, init ${spec.init}, seed ${spec.seed}; saved by descent ${metadata['descent.version']}`);
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
  for (const t of tensorList) out(`  ${t.name.padEnd(width)} [${t.shape.join(', ')}]`);
  const extra = Object.entries(metadata).filter(([k]) => !['descent.spec'].includes(k));
  if (extra.length) {
    out('metadata');
    for (const [k, v] of extra) out(`  ${k}: ${v.length > 120 ? `${v.slice(0, 117)}…` : v}`);
  }
}
