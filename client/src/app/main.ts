import { createPinia } from 'pinia';
import { createApp } from 'vue';
import { useAuthStore } from '../features/auth/useAuthStore';
import { setUnauthenticatedHandler } from '../lib/http';
import { setSocketUnauthenticatedHandler } from '../lib/socket';
import App from './App.vue';
import { router } from './router';
import './styles.css';

const app = createApp(App);
const pinia = createPinia();
app.use(pinia);
app.use(router);

// A session that ends while the app is open (expired, logged out elsewhere) lands on the login
// page and comes back here afterwards.
function sessionEnded() {
  const auth = useAuthStore(pinia);
  if (!auth.me) return;
  const here = router.currentRoute.value.fullPath;
  auth.signedOut(here === '/' ? '/login' : `/login?next=${encodeURIComponent(here)}`);
}
setUnauthenticatedHandler(sessionEnded);
setSocketUnauthenticatedHandler(sessionEnded);

app.mount('#app');
