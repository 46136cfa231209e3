// The directory module's public surface, for other modules (agreements, exchange).
export { DirectoryService, formatSubsystemId, parseSubsystemId, SUBSYSTEM_ID_PATTERN, XROAD_ID_PART_PATTERN } from './service';
export type { Member, Subsystem, SubsystemIdParts } from './service';
export { dataProductOpenApi, type OpenApiDescription } from './openapi';
export { directoryRoutes } from './routes';
