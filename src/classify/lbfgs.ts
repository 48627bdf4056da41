/**
 * Limited-memory BFGS (Nocedal & Wright, Algorithm 7.4/7.5) with a backtracking Armijo line
 * search, for the smooth convex objectives of src/classify. Written here because no maintained
 * npm package minimises over plain Float64Arrays; everything is sequential float64 arithmetic,
 * so a fit is bit-for-bit repeatable.
 */

/** Writes the gradient at `x` into `grad` and returns the objective value. */
export type Objective = (x: Float64Array, grad: Float64Array) => number;

export interface LbfgsOptions {
  /** Stop when max |grad| ≤ gradTolerance · max(1, |f|). */
  gradTolerance: number;
  maxIterations: number;
  /** History pairs kept. */
  memory?: number;
}

export interface LbfgsResult {
  x: Float64Array;
  value: number;
  iterations: number;
  converged: boolean;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}

/** Two-loop recursion: `dir` = −H·grad from the stored (s, y) pairs, newest last. */
function searchDirection(grad: Float64Array, s: Float64Array[], y: Float64Array[], dir: Float64Array): void {
  const k = s.length;
  const alpha = new Float64Array(k);
  dir.set(grad);
  for (let i = k - 1; i >= 0; i--) {
    alpha[i] = dot(s[i]!, dir) / dot(y[i]!, s[i]!);
    const yi = y[i]!;
    for (let j = 0; j < dir.length; j++) dir[j]! -= alpha[i]! * yi[j]!;
  }
  if (k > 0) {
    const gamma = dot(s[k - 1]!, y[k - 1]!) / dot(y[k - 1]!, y[k - 1]!);
    for (let j = 0; j < dir.length; j++) dir[j]! *= gamma;
  }
  for (let i = 0; i < k; i++) {
    const beta = dot(y[i]!, dir) / dot(y[i]!, s[i]!);
    const si = s[i]!;
    for (let j = 0; j < dir.length; j++) dir[j]! += (alpha[i]! - beta) * si[j]!;
  }
  for (let j = 0; j < dir.length; j++) dir[j] = -dir[j]!;
}

export function minimiseLbfgs(objective: Objective, start: Float64Array, opts: LbfgsOptions): LbfgsResult {
  const memory = opts.memory ?? 10;
  const n = start.length;
  let x = Float64Array.from(start);
  let grad = new Float64Array(n);
  let value = objective(x, grad);
  const s: Float64Array[] = [];
  const y: Float64Array[] = [];
  const dir = new Float64Array(n);
  for (let iteration = 0; iteration < opts.maxIterations; iteration++) {
    if (maxAbs(grad) <= opts.gradTolerance * Math.max(1, Math.abs(value))) return { x, value, iterations: iteration, converged: true };
    searchDirection(grad, s, y, dir);
    let slope = dot(grad, dir);
    if (!(slope < 0)) {
      // Not a descent direction (curvature pairs gone stale): restart from steepest descent.
      s.length = 0;
      y.length = 0;
      for (let j = 0; j < n; j++) dir[j] = -grad[j]!;
      slope = dot(grad, dir);
    }
    // The first step of a fresh history is scaled so it moves x by at most 1 in max norm.
    let step = s.length === 0 ? Math.min(1, 1 / Math.max(maxAbs(dir), 1e-300)) : 1;
    const next = new Float64Array(n);
    const nextGrad = new Float64Array(n);
    let nextValue = Infinity;
    for (let tries = 0; tries < 60; tries++) {
      for (let j = 0; j < n; j++) next[j] = x[j]! + step * dir[j]!;
      nextValue = objective(next, nextGrad);
      if (nextValue <= value + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    if (!(nextValue <= value + 1e-4 * step * slope)) return { x, value, iterations: iteration, converged: false };
    const sk = new Float64Array(n);
    const yk = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      sk[j] = next[j]! - x[j]!;
      yk[j] = nextGrad[j]! - grad[j]!;
    }
    // Keep only pairs with positive curvature, so the implicit Hessian stays positive definite.
    if (dot(sk, yk) > 1e-12 * dot(yk, yk)) {
      s.push(sk);
      y.push(yk);
      if (s.length > memory) {
        s.shift();
        y.shift();
      }
    }
    const relativeChange = Math.abs(value - nextValue) / Math.max(1, Math.abs(value));
    x = next;
    grad = nextGrad;
    value = nextValue;
    if (relativeChange < 1e-12) return { x, value, iterations: iteration + 1, converged: true };
  }
  return { x, value, iterations: opts.maxIterations, converged: maxAbs(grad) <= opts.gradTolerance * Math.max(1, Math.abs(value)) };
}
