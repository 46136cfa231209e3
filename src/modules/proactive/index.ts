// The proactive module's public surface: the engine that turns registry life events and rule
// publications into benefit notices (Postgres schema `proactive`: sweeps and their progress).
export { ProactiveEngine, PROACTIVE_ACTOR, type EvaluationReport, type SweepStatus } from './engine';
export { proactiveRoutes } from './routes';
