// `descent predict model.safetensors data.csv`: the classes (and probabilities) a saved network
// gives each row of a CSV file, scaled as its training rows were (the checkpoint's metadata
// keeps the standardisation, the class names and the feature columns of `train --save`). With a
// `label` column the accuracy is reported too.
import { Command } from 'commander';
import { loadCheckpoint, readCheckpoint } from '../checkpoint/checkpoint.js';
import { DataError } from '../errors.js';
import { readBytes } from './read-text.js';
import { createNetwork } from '../node.js';
import { readCsv } from './csv.js';

export function predictCommand(): Command {
  return new Command('predict')
    .description('predict the class of every row of a CSV file with a checkpoint from train --save (scaled as its training rows were); with a "label" column, also the accuracy')
    .argument('<checkpoint>', 'a checkpoint written by descent train --save (.safetensors)')
    .argument('<data.csv>', 'a header row and the feature columns the network was trained on (a "label" column is optional)')
    .option('--json', 'print { predictions: [{ class, label?, probabilities }], accuracy? } instead of CSV')
    .action(async (file: string, csvFile: string, opts: { json?: boolean }) => predict(file, csvFile, opts.json === true));
}

function metaJson<T>(metadata: Record<string, string>, key: string): T | undefined {
  if (metadata[key] === undefined) return undefined;
  try {
    return JSON.parse(metadata[key]) as T;
  } catch {
    throw new DataError(`checkpoint metadata ${key} is not valid JSON`, `checkpoint.${key}`, metadata[key]);
  }
}

async function predict(file: string, csvFile: string, json: boolean): Promise<void> {
  const bytes = await readBytes(file, 'checkpoint');
  const contents = readCheckpoint(bytes);
  const spec = contents.spec;
  if (!spec) throw new DataError(`${file} has no descent.spec metadata: predict needs a checkpoint descent wrote`, 'checkpoint.spec', undefined);
  const scaler = metaJson<{ mean: number[]; std: number[] }>(contents.metadata, 'descent.cli.scaler');
  const classNames = metaJson<string[]>(contents.metadata, 'descent.cli.classes');
  const featureNames = metaJson<string[]>(contents.metadata, 'descent.cli.features');
  const data = await readCsv(csvFile, { labelOptional: true });
  if (data.features.length !== spec.inputs) {
    throw new DataError(`${csvFile} has ${data.features.length} feature columns (${data.features.join(', ')}); the network takes ${spec.inputs}${featureNames ? ` (${featureNames.join(', ')})` : ''}`, csvFile, data.features.length);
  }
  if (featureNames && featureNames.join() !== data.features.join()) {
    throw new DataError(`${csvFile}'s columns ${data.features.join(', ')} are not the network's ${featureNames.join(', ')} (same names, same order)`, csvFile, data.features);
  }
  const x = data.x.data;
  if (scaler) {
    const cols = spec.inputs;
    for (let i = 0; i < x.length; i++) x[i] = (x[i] - scaler.mean[i % cols]) / (scaler.std[i % cols] === 0 ? 1 : scaler.std[i % cols]);
  }
  const net = await createNetwork(spec);
  try {
    loadCheckpoint(net, bytes);
    const p = net.predict(data.x);
    const probs = p.probabilities ?? p.outputs;
    const k = p.columns;
    const rows = p.rows;
    // Labels: numbers as class indices, or the class names training saw.
    const labelled = data.y.length === rows;
    const truth = labelled ? Array.from(data.y, (v) => (data.labelNames && classNames ? classNames.indexOf(data.labelNames[v]) : v)) : null;
    let correct = 0;
    const predictions = Array.from({ length: rows }, (_, r) => {
      const c = p.classes ? p.classes[r] : -1;
      if (truth && truth[r] === c) correct++;
      return { class: c, ...(classNames ? { label: classNames[c] } : {}), probabilities: Array.from(probs.subarray(r * k, (r + 1) * k)) };
    });
    const accuracy = truth ? correct / rows : undefined;
    if (json) {
      process.stdout.write(JSON.stringify({ predictions, ...(accuracy !== undefined ? { accuracy } : {}) }) + '\n');
    } else {
      const head = ['row', 'class', ...(classNames ? ['label'] : []), ...Array.from({ length: k }, (_, j) => `p${j}`)];
      const lines = predictions.map((q, r) => [r + 1, q.class, ...(classNames ? [q.label] : []), ...q.probabilities.map((v) => v.toPrecision(6))].join(','));
      process.stdout.write(`${head.join(',')}\n${lines.join('\n')}\n`);
      if (accuracy !== undefined) process.stderr.write(`accuracy ${(accuracy * 100).toFixed(2)}% on ${rows} labelled rows\n`);
    }
  } finally {
    net.dispose();
  }
}
