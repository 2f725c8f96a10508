/** Routes with lazily loaded pages; the guard asks the auth store, inside the guard, who is logged in. */
import { createRouter, createWebHistory, type RouteRecordRaw, type RouterHistory } from "vue-router";
import { useAuthStore } from "./stores/auth.js";

declare module "vue-router" {
  interface RouteMeta {
    /** Reachable without logging in. */
    public?: boolean;
    /** Only for visitors: a logged-in user goes to their projects. */
    guestOnly?: boolean;
    /** Only for platform admins: anyone else goes to their projects. */
    admin?: boolean;
    title?: string;
  }
}

export const routes: RouteRecordRaw[] = [
  { path: "/", redirect: { name: "projects" } },
  { path: "/register", name: "register", component: () => import("./pages/RegisterPage.vue"), meta: { public: true, guestOnly: true, title: "Sign up" } },
  { path: "/confirm-email", name: "confirm-email", component: () => import("./pages/ConfirmEmailPage.vue"), meta: { public: true, title: "Confirm your e-mail" } },
  { path: "/login", name: "login", component: () => import("./pages/LoginPage.vue"), meta: { public: true, guestOnly: true, title: "Log in" } },
  { path: "/forgot-password", name: "forgot-password", component: () => import("./pages/ForgotPasswordPage.vue"), meta: { public: true, title: "Forgot password" } },
  { path: "/reset-password", name: "reset-password", component: () => import("./pages/ResetPasswordPage.vue"), meta: { public: true, title: "New password" } },
  { path: "/account", name: "account", component: () => import("./pages/AccountPage.vue"), meta: { title: "Account" } },
  { path: "/projects", name: "projects", component: () => import("./pages/ProjectsPage.vue"), meta: { title: "Projects" } },
  { path: "/projects/new", name: "new-project", component: () => import("./pages/NewProjectPage.vue"), meta: { title: "New project" } },
  { path: "/projects/:name", name: "project", component: () => import("./pages/ProjectPage.vue"), meta: { title: "Project" } },
  { path: "/projects/:name/apps/new", name: "new-app", component: () => import("./pages/AppFormPage.vue"), meta: { title: "Add an app" } },
  { path: "/projects/:name/apps/:app/status", name: "app-status", component: () => import("./pages/AppStatusPage.vue"), meta: { title: "App status" } },
  { path: "/projects/:name/apps/:app", name: "edit-app", component: () => import("./pages/AppFormPage.vue"), meta: { title: "Edit app" } },
  { path: "/admin/upgrades", name: "admin-upgrades", component: () => import("./pages/AdminUpgradesPage.vue"), meta: { admin: true, title: "Platform upgrades" } },
  { path: "/:pathMatch(.*)*", name: "not-found", component: () => import("./pages/NotFoundPage.vue"), meta: { public: true, title: "Not found" } },
];

export function createAppRouter(history: RouterHistory = createWebHistory()) {
  const router = createRouter({ history, routes });
  router.beforeEach(async (to) => {
    const auth = useAuthStore();
    await auth.ensureLoaded();
    if (!to.meta.public && !auth.loggedIn) return { name: "login", query: { redirect: to.fullPath } };
    if (to.meta.guestOnly && auth.loggedIn) return { name: "projects" };
    if (to.meta.admin && !auth.isAdmin) return { name: "projects" };
    return true;
  });
  router.afterEach((to) => {
    document.title = to.meta.title ? `${to.meta.title} · BabyHelm` : "BabyHelm";
  });
  return router;
}
