import type { Component } from 'vue';
import type { IconName } from '../../ui/Icon.vue';

/**
 * The admin console's sections, in menu order: each is a lazily loaded page under /admin/<key>.
 * A feature adds one entry here (one line per section).
 */
export interface AdminSection {
  key: string;
  label: string;
  icon: IconName;
  component: () => Promise<Component | { default: Component }>;
}

export const adminSections: AdminSection[] = [
  { key: 'overview', label: 'Overview', icon: 'shield', component: () => import('./AdminOverview.vue') },
  { key: 'audit', label: 'Audit log', icon: 'lock', component: () => import('./audit/AuditLogPage.vue') },
  { key: 'health', label: 'Health', icon: 'activity', component: () => import('./health/HealthPage.vue') },
  { key: 'users', label: 'Users', icon: 'users', component: () => import('./users/AdminUsersPage.vue') },
  { key: 'rooms', label: 'Rooms', icon: 'door', component: () => import('./rooms/AdminRoomsPage.vue') },
  { key: 'settings', label: 'Settings', icon: 'settings', component: () => import('./settings/AdminSettingsPage.vue') },
  { key: 'reports', label: 'Reports', icon: 'alert', component: () => import('../reports/AdminReports.vue') },
  { key: 'analytics', label: 'Analytics', icon: 'bar-chart', component: () => import('../analytics/AdminAnalytics.vue') },
];
