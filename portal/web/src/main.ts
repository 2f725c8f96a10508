import { createPinia } from "pinia";
import { createApp } from "vue";
import { onUnauthenticated } from "./api/client.js";
import App from "./App.vue";
import { createAppRouter } from "./router.js";
import { useAuthStore } from "./stores/auth.js";
import "./styles.css";

const app = createApp(App);
const pinia = createPinia();
const router = createAppRouter();
app.use(pinia).use(router);

// A session that ended elsewhere (expired, password changed): back to the login, then to where the user was.
onUnauthenticated(() => {
  useAuthStore(pinia).forget();
  const current = router.currentRoute.value;
  if (!current.meta.public) void router.push({ name: "login", query: { redirect: current.fullPath } });
});

app.mount("#app");
