// The contract between kernels and host, the host's side of the layout: descriptor words,
// statistics slots and the measured update's table, named as assembly/abi.ts names them
// (PASS.ROWS is PASS_ROWS there). The rest of the contract is named where it is used: the
// activation and loss codes are their index in src/names.ts, layer kinds in
// src/model/layers.ts, each optimizer's hyper-parameter slots in src/optim/rules.ts.
// test/abi.test.ts holds every one against the kernels' side. Const enums: the compiled
// library carries the numbers inline, not objects to look them up in.

/** Pass descriptor header, i32 words (assembly/pass.ts reads them). */
export const enum PASS {
  LAYERS = 0,
  LOSS = 1,
  ROWS = 2,
  MEAN_ROWS = 3,
  X = 4,
  Y = 5,
  LOSS_OUT = 6,
  DELTA_A = 7,
  DELTA_B = 8,
  STATS = 9,
  STAMP = 10,
  SEED = 11,
  ROW0 = 12,
  HEADER = 16,
  LAYER_WORDS = 28,
}

/** A layer's block in the descriptor: the words every kind has (its own words follow, from COMMON). */
export const enum LAYER {
  KIND = 0,
  INPUTS = 1,
  OUTPUTS = 2,
  ACTIVATION = 3,
  PARAMS = 4,
  GRADS = 5,
  Z = 6,
  A = 7,
  LAST_ACTIVE = 8,
  STATE = 9,
  SCRATCH = 10,
  INDEX = 11,
  COMMON = 12,
}

/** f64 slots of a layer's statistics block (assembly/stats.ts fills them). */
export const enum STAT {
  A_SUM = 0,
  A_SQ = 1,
  A_SAT = 2,
  A_BAD = 3,
  DA_SQ = 4,
  DW_SQ = 5,
  DB_SQ = 6,
  G_BAD = 7,
  W_SQ = 8,
  B_SQ = 9,
  DW_STEP_SQ = 10,
  DB_STEP_SQ = 11,
  P_BAD = 12,
  WORDS = 16,
  /** The first PASS_SLOTS slots come from the pass: worker threads' shares add up. */
  PASS_SLOTS = 5,
}

/** The measured update's region table (i32 words per entry) and scratch. */
export const enum MEASURE {
  REGION_OFFSET = 0,
  REGION_COUNT = 1,
  REGION_STATS = 2,
  REGION_BYTES = 12,
  BLOCK = 512,
  SCRATCH_BYTES = 2048,
}

/** f64 slots in the optimizer's hyper-parameter block (the largest rule, RAdam, uses 9). */
export const HP_SLOTS = 16;
