// Worker half of the Loss surfaces panel (placeholder).
import type { Handler } from '../../worker/protocol.js';

export const surfaces: Handler = () => {};
