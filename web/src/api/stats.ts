import { api } from './client';
import type { DashboardStats, Health, UsageStats } from './types';

export const getDashboard = () => api.get<DashboardStats>('/stats/dashboard').then((r) => r.data);
export const getUsage = () => api.get<UsageStats>('/stats/usage').then((r) => r.data);
export const getHealth = () => api.get<Health>('/health').then((r) => r.data);
