/** Append-only typed arrays (the pool's size is unknown while it streams in). */

type Typed = Int32Array | Float32Array;

class Growable<T extends Typed> {
  data: T;
  length = 0;
  constructor(private readonly make: (size: number) => T, capacity: number) {
    this.data = make(capacity);
  }
  push(value: number): void {
    if (this.length === this.data.length) {
      const next = this.make(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = value;
  }
  /** A right-sized copy. */
  toArray(): T {
    return this.data.slice(0, this.length) as T;
  }
}

export class GrowableInt32 extends Growable<Int32Array> {
  constructor(capacity = 1024) {
    super((n) => new Int32Array(n), capacity);
  }
}

export class GrowableFloat32 extends Growable<Float32Array> {
  constructor(capacity = 1024) {
    super((n) => new Float32Array(n), capacity);
  }
}
