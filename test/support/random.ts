/**
 * A seeded generator of whole numbers in [0, n), the same on every run. It takes the high bits of a
 * linear congruential generator: its low bits repeat with a short period (the lowest alternates), so
 * `state % n` for a small `n` gives the same few values over and over.
 */
export function seededRandom(seed: number): (n: number) => number {
  let state = seed;
  return (n) => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return Math.floor((state / 2 ** 31) * n);
  };
}
