// Worker half of the Learning-rate range test panel (placeholder).
import type { Handler } from '../../worker/protocol.js';

export const lrRange: Handler = () => {};
