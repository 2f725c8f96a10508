import { endpoints, type User } from "@babyhelm/sdk/api";
import { defineStore } from "pinia";
import { computed, ref } from "vue";
import { client } from "../api/client.js";
import { ApiError } from "../api/errors.js";

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
    loading ??= client
      .call(endpoints.getMe)
      .then((answer) => {
        user.value = answer.user;
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
    await client.call(endpoints.register, { body: input });
  }

  async function confirm(token: string): Promise<User> {
    return (await client.call(endpoints.confirmEmail, { body: { token } })).user;
  }

  async function resend(email: string): Promise<void> {
    await client.call(endpoints.resendConfirmation, { body: { email } });
  }

  async function login(input: { email: string; password: string }): Promise<void> {
    user.value = (await client.call(endpoints.login, { body: input })).user;
    loaded.value = true;
  }

  async function logout(): Promise<void> {
    try {
      await client.call(endpoints.logout);
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
    await client.call(endpoints.requestPasswordReset, { body: { email } });
  }

  async function resetPassword(token: string, password: string): Promise<void> {
    await client.call(endpoints.resetPassword, { body: { token, password } });
  }

  async function updateProfile(changes: { name: string }): Promise<void> {
    user.value = (await client.call(endpoints.updateMe, { body: changes })).user;
  }

  async function changePassword(currentPassword: string, newPassword: string): Promise<void> {
    await client.call(endpoints.changePassword, { body: { currentPassword, newPassword } });
  }

  async function deleteAccount(password: string): Promise<void> {
    await client.call(endpoints.deleteMe, { body: { password } });
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
