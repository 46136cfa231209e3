// The tracker module's public surface: "who used my data" (after Estonia's Data Tracker) over the
// audit log, for residents (their own, covert accesses hidden) and auditors (anyone's, covert
// flagged). It owns no tables: it reads audit entries through AuditLog.listBySubject only.
export { TrackerService, toUsage, TRACKER_AUDIT_READ, TRACKER_READ } from './service';
export type { DataUsage, DataUsagePage, UsageQuery } from './service';
export { trackerRoutes } from './routes';
