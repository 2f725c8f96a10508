import { defineStore } from "pinia";
import { computed, ref } from "vue";
import { api } from "../api/client.js";
import { ApiError } from "../api/errors.js";
import type { User } from "../api/types.js";

/** Who is logged in, and everything about their own account. */
export const useAuthStore = defineStore("auth", () => {
  const user = ref<User | null>(null);
  const loaded = ref(false);
  let loading: Promise<void> | undefined;

  const loggedIn = computed(() => user.value !== null);
  /** A platform admin (upgrades, users' limits); the API decides, this only chooses what to show. */
  const isAdmin = computed(() => user.value?.isAdmin === true);

  /** Asks the portal once who this browser is logged in as; route guards await it. */
  function ensureLoaded(): Promise<void> {
    if (loaded.value) return Promise.resolve();
    loading ??= api
      .get<{ user: User }>("/me")
      .then((response) => {
        user.value = response.data.user;
      })
      .catch((error: unknown) => {
        if (!(error instanceof ApiError) || error.status !== 401) throw error;
        user.value = null;
      })
      .finally(() => {
        loaded.value = true;
        loading = undefined;
      });
    return loading;
  }

  async function register(input: { email: string; password: string; name: string }): Promise<void> {
    await api.post("/auth/register", input);
  }

  async function confirm(token: string): Promise<User> {
    return (await api.post<{ user: User }>("/auth/confirm", { token })).data.user;
  }

  async function resend(email: string): Promise<void> {
    await api.post("/auth/resend", { email });
  }

  async function login(input: { email: string; password: string }): Promise<void> {
    user.value = (await api.post<{ user: User }>("/auth/login", input)).data.user;
    loaded.value = true;
  }

  async function logout(): Promise<void> {
    try {
      await api.post("/auth/logout");
    } finally {
      forget();
    }
  }

  /** The session is gone (expired, ended elsewhere): the app forgets the user. */
  function forget(): void {
    user.value = null;
    loaded.value = true;
  }

  async function requestPasswordReset(email: string): Promise<void> {
    await api.post("/auth/password-reset", { email });
  }

  async function resetPassword(token: string, password: string): Promise<void> {
    await api.post("/auth/password-reset/confirm", { token, password });
  }

  async function updateProfile(changes: { name: string }): Promise<void> {
    user.value = (await api.patch<{ user: User }>("/me", changes)).data.user;
  }

  async function changePassword(currentPassword: string, newPassword: string): Promise<void> {
    await api.post("/me/password", { currentPassword, newPassword });
  }

  async function deleteAccount(password: string): Promise<void> {
    await api.delete("/me", { data: { password } });
    forget();
  }

  return {
    user,
    loaded,
    loggedIn,
    isAdmin,
    ensureLoaded,
    register,
    confirm,
    resend,
    login,
    logout,
    forget,
    requestPasswordReset,
    resetPassword,
    updateProfile,
    changePassword,
    deleteAccount,
  };
});
