// One optimizer at work over a network's parameters: the step count and host-side state, the
// rule's hyper-parameter block written for each step, then one kernel call over all the
// parameters (they, their gradients and the state slots are contiguous).
import type { Kernels, StepKernel } from '../wasm/kernels.js';
import { RULES, SLOT_NAMES, slotInUse, type ResolvedOptimizer, type Rule, type RuleState } from './rules.js';
import type { OptimizerSnapshot } from '../types.js';

/** Slots of per-parameter state a rule may use (the layout reserves them all). */
export const MAX_SLOTS = 3;

/** Pointers an optimizer works on: n parameters, their gradients, three state slots, and an f64 block for hyper-parameters. */
export interface OptimizerMemory {
  param: number;
  grad: number;
  slots: [number, number, number];
  count: number;
  hp: number;
}

/** Runs one rule over the parameters; keeps the step count and host-side state. */
export class OptimizerState {
  /** Steps taken, t in PyTorch's formulas. */
  step = 0;
  /** NAdam's running product of μ (a boxed field holds it so it survives between steps). */
  private readonly state: RuleState = { muProduct: 1 };
  private readonly rule: Rule;
  private readonly kernel: StepKernel;

  /** `f64` returns the current f64 view of the memory holding `mem.hp`. */
  constructor(
    readonly options: ResolvedOptimizer,
    private readonly k: Kernels,
    private readonly mem: OptimizerMemory,
    private readonly f64: () => Float64Array,
  ) {
    this.rule = RULES[options.type];
    this.kernel = k[`${options.type}Step`];
    this.reset();
  }

  /** Zeroes the state slots (Adagrad: fills its accumulator) and the step count. */
  reset(): void {
    const { slots, count } = this.mem;
    for (const s of slots) this.k.fillF32(s, count, 0);
    if (this.rule.firstSlotStart) this.k.fillF32(slots[0], count, this.rule.firstSlotStart(this.options));
    this.step = 0;
    this.state.muProduct = 1;
  }

  /** The host-side state a snapshot needs besides the slots (the step count t, NAdam's Πμ). */
  saveState(): { step: number; muProduct: number } {
    return { step: this.step, muProduct: this.state.muProduct };
  }

  loadState(s: { step: number; muProduct: number }): void {
    this.step = s.step;
    this.state.muProduct = s.muProduct;
  }

  /**
   * A copy of the whole state under torch.optim's names. A slot the options leave unused is
   * kept only if it holds something (a one-cycle schedule may cycle a zero momentum up).
   */
  snapshot(): OptimizerSnapshot {
    const { slots, count } = this.mem;
    const f32 = new Float32Array(this.f64().buffer);
    const state: Record<string, Float32Array> = {};
    SLOT_NAMES[this.options.type].forEach((name, i) => {
      if (name === null) return;
      const values = f32.slice(slots[i] >> 2, (slots[i] >> 2) + count);
      if (slotInUse(this.options, i) || values.some((v) => v !== 0)) state[name] = values;
    });
    return { type: this.options.type, step: this.step, muProduct: this.state.muProduct, state };
  }

  /** Puts a snapshot's state back (checked by train/resume.ts first); slots it lacks start as at step 0. */
  restore(s: OptimizerSnapshot): void {
    this.reset();
    const f32 = new Float32Array(this.f64().buffer);
    SLOT_NAMES[this.options.type].forEach((name, i) => {
      const values = name === null ? undefined : s.state[name];
      if (values) f32.set(values, this.mem.slots[i] >> 2);
    });
    this.loadState({ step: s.step, muProduct: s.muProduct });
  }

  /**
   * Counts a step and writes its hyper-parameter block without running the kernel: threads
   * then run it, each over its slice of the parameters (engine/threads.ts).
   */
  writeStep(): void {
    this.rule.write(this.options, ++this.step, this.f64(), this.mem.hp >> 3, this.state);
  }

  /**
   * Applies one update from the current gradients. The f64 scalars reach the kernel through
   * the hp block (typed-array stores), so only small integers cross the boundary.
   */
  apply(): void {
    const m = this.mem;
    this.rule.write(this.options, ++this.step, this.f64(), m.hp >> 3, this.state);
    this.kernel(m.param, m.grad, m.slots[0], m.slots[1], m.slots[2], m.count, m.hp);
  }
}
