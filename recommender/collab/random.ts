/** Seeded 32-bit PRNG for reproducible training runs and synthetic data (one implementation: ../random.ts). */
export { seededRng as seededRandom } from '../random.js';
