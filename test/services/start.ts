/** Picks and starts a tier. */
import { startEmbedded } from './embedded.js';
import { startExternal } from './external.js';
import { startReal } from './real.js';
import type { Services, Tier } from './types.js';

const TIERS: Record<Tier, () => Promise<Services>> = {
  embedded: startEmbedded,
  real: startReal,
  external: startExternal,
};

/** The tier named by env DS_TEST_TIER (default embedded); throws on an unknown name. */
export function tierFromEnv(env: NodeJS.ProcessEnv = process.env): Tier {
  const name = env['DS_TEST_TIER'] || 'embedded';
  if (name in TIERS) return name as Tier;
  throw new Error(`DS_TEST_TIER=${name} is not a tier: use embedded (default), real or external`);
}

/** Starts the given tier. */
export function startTier(tier: Tier): Promise<Services> {
  return TIERS[tier]();
}
