// The 'descent/checkpoint' subpath: a network's parameters and spec as safetensors bytes,
// named as torch.nn.Sequential names them (checkpoint/checkpoint.ts).
export { CHECKPOINT_FORMAT, DESCENT_VERSION, loadCheckpoint, readCheckpoint, saveCheckpoint, sequentialIndices, type CheckpointContents, type SaveOptions } from './checkpoint/checkpoint.js';
export type { Tensor } from './checkpoint/safetensors.js';
export { exportOnnx, ONNX_OPSET } from './checkpoint/onnx.js';
