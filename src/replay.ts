// Entry of the 'descent/replay' subpath: the PyTorch conformance replays (docs/replay.md),
// kept out of the main entry's bundle (budget).
export { runReplay, type ReplayCase, type ReplayResult, type ReplayTensors } from './train/replay.js';
