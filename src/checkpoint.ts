// The 'descent/checkpoint' subpath: a network's parameters and spec as safetensors bytes,
// named as torch.nn.Sequential names them (checkpoint/checkpoint.ts).
export { CHECKPOINT_FORMAT, DESCENT_VERSION, loadCheckpoint, readCheckpoint, saveCheckpoint, sequentialIndices, type CheckpointContents, type SaveOptions } from './checkpoint/checkpoint.js';
export type { Tensor } from './checkpoint/safetensors.js';
export { exportOnnx, ONNX_OPSET } from './checkpoint/onnx.js';
// Where the bytes go: files in Node, Deno and Bun (checkpoint/files.ts); a Blob, a download or
// IndexedDB in a browser (checkpoint/browser-storage.ts). Both load in any runtime.
export { readCheckpointFile, writeCheckpointFile } from './checkpoint/files.js';
export { checkpointBlob, deleteCheckpointFromIndexedDB, downloadCheckpoint, listCheckpointsInIndexedDB, loadCheckpointFromIndexedDB, readCheckpointBlob, saveCheckpointToIndexedDB, type IndexedDBOptions } from './checkpoint/browser-storage.js';
