// Worker half of the Optimizer race panel (placeholder).
import type { Handler } from '../../worker/protocol.js';

export const race: Handler = () => {};
