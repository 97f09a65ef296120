// `descent export-onnx model.safetensors [model.onnx]`: a checkpoint written by descent as an
// ONNX model for inference (opset 13), for onnxruntime and the other ONNX runtimes.
import { Command } from 'commander';
import { loadCheckpoint, readCheckpoint } from '../checkpoint/checkpoint.js';
import { exportOnnx, ONNX_OPSET } from '../checkpoint/onnx.js';
import { DataError } from '../errors.js';
import { readBytes } from './read-text.js';
import { createNetwork } from '../node.js';
import { writeFileAtomic } from '../checkpoint/files.js';

export function exportOnnxCommand(): Command {
  return new Command('export-onnx')
    .description(`write a checkpoint (train --save) as an ONNX model for inference (opset ${ONNX_OPSET}; outputs "output" and, for classifiers, "probabilities")`)
    .argument('<checkpoint>', 'a checkpoint written by descent (.safetensors)')
    .argument('[out]', 'the ONNX file (default: the checkpoint\'s name with .onnx)')
    .action(async (file: string, out?: string) => exportFile(file, out ?? file.replace(/(\.safetensors)?$/, '.onnx')));
}

async function exportFile(file: string, out: string): Promise<void> {
  const bytes = await readBytes(file, 'checkpoint');
  try {
    const { spec } = readCheckpoint(bytes);
    if (!spec) throw new DataError(`${file} has no descent.spec metadata: export-onnx needs a checkpoint descent wrote (it names the network)`, 'checkpoint.spec', undefined);
    const net = await createNetwork(spec);
    try {
      loadCheckpoint(net, bytes);
      await writeFileAtomic(out, exportOnnx(net));
    } finally {
      net.dispose();
    }
  } catch (err) {
    if (err instanceof DataError && !err.message.startsWith(file)) throw new DataError(`${file}: ${err.message}`, err.path, err.value);
    throw err;
  }
  process.stdout.write(`wrote ${out} (ONNX opset ${ONNX_OPSET})\n`);
}
