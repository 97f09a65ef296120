// Worker half of the Gradient flow panel (placeholder).
import type { Handler } from '../../worker/protocol.js';

export const flow: Handler = () => {};
