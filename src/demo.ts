// Demo data on first start: the synthetic population and one staff account per role. The
// population is generated only when the registry is empty, so restarts keep what the demo changed.
import type { Platform } from './app';
import type { Config } from './core/config';
import type { Logger } from './core/logger';

export async function seedDemoData(platform: Platform, config: Config, logger: Logger): Promise<void> {
  if (config.demoResidents === 0) return;
  await platform.identity.seedDemoStaff();
  // The published seed rules (only those missing, so officials' edits survive restarts).
  await platform.eligibility.ensureSeedRules();
  if (await platform.registry.hasResidents()) return;
  logger.info({ residents: config.demoResidents, seed: config.demoSeed }, 'generating synthetic demo population');
  const result = await platform.registry.seedSyntheticPopulation({ seed: config.demoSeed, residents: config.demoResidents });
  logger.info(result, 'demo population ready');
}
