/** Every endpoint of the portal's API, by operationId: what the server registers and the document lists. */
import * as admin from "./admin.js";
import * as alerts from "./alerts.js";
import * as apps from "./apps.js";
import * as auth from "./auth.js";
import * as deployments from "./deployments.js";
import * as me from "./me.js";
import * as members from "./members.js";
import * as metrics from "./metrics.js";
import * as previews from "./previews.js";
import * as projects from "./projects.js";
import * as status from "./status.js";
import * as system from "./system.js";
import * as tokens from "./tokens.js";

export const endpoints = {
  health: system.health,
  ready: system.ready,
  getConfig: system.getConfig,
  getOpenApi: system.getOpenApi,
  register: auth.register,
  confirmEmail: auth.confirmEmail,
  resendConfirmation: auth.resendConfirmation,
  login: auth.login,
  logout: auth.logout,
  requestPasswordReset: auth.requestPasswordReset,
  resetPassword: auth.resetPassword,
  getMe: me.getMe,
  updateMe: me.updateMe,
  changePassword: me.changePassword,
  deleteMe: me.deleteMe,
  listTokens: tokens.listTokens,
  createToken: tokens.createToken,
  deleteToken: tokens.deleteToken,
  getUserLimits: admin.getUserLimits,
  updateUserLimits: admin.updateUserLimits,
  getUpgrades: admin.getUpgrades,
  startUpgrade: admin.startUpgrade,
  getUpgrade: admin.getUpgrade,
  listProjects: projects.listProjects,
  createProject: projects.createProject,
  getProject: projects.getProject,
  updateProject: projects.updateProject,
  deleteProject: projects.deleteProject,
  getProjectSpec: projects.getProjectSpec,
  getProjectManifests: projects.getProjectManifests,
  exportProject: projects.exportProject,
  listApps: apps.listApps,
  createApp: apps.createApp,
  getApp: apps.getApp,
  updateApp: apps.updateApp,
  deleteApp: apps.deleteApp,
  restartApp: apps.restartApp,
  listMembers: members.listMembers,
  setMember: members.setMember,
  removeMember: members.removeMember,
  listDeployments: deployments.listDeployments,
  createDeployment: deployments.createDeployment,
  getDeployment: deployments.getDeployment,
  getDeploymentSpec: deployments.getDeploymentSpec,
  getDeploymentDiff: deployments.getDeploymentDiff,
  rollbackDeployment: deployments.rollbackDeployment,
  cancelDeployment: deployments.cancelDeployment,
  deploymentEvents: deployments.deploymentEvents,
  createPreview: previews.createPreview,
  getDrift: previews.getDrift,
  checkDrift: previews.checkDrift,
  getMetricsPanel: metrics.getMetricsPanel,
  queryMetrics: metrics.queryMetrics,
  getProjectStatus: status.getProjectStatus,
  getAppLogs: status.getAppLogs,
  listAlerts: alerts.listAlerts,
  getWebhook: alerts.getWebhook,
  setWebhook: alerts.setWebhook,
  deleteWebhook: alerts.deleteWebhook,
} as const;

export type Endpoints = typeof endpoints;
export type EndpointId = keyof Endpoints;
