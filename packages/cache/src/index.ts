export { DashboardCache, dashboardCacheKey, dashboardCacheOf } from './dashboard-cache';
export type { DashboardCacheEnv, DashboardCacheOptions, DashboardKey } from './dashboard-cache';
