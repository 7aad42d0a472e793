// Wiring: sign-in, then the conversation, the task panel and live sync share one store.

import { Api, clientConfig, devToken } from "./api.js";
import { claims, forgetToken, isUsable, loadToken, saveToken, tokenFromFragment } from "./auth.js";
import { ChatPanel } from "./chat.js";
import { $ } from "./dom.js";
import { LiveSocket, websocketUrl } from "./socket.js";
import { TaskStore } from "./store.js";
import { TaskPanel } from "./tasks.js";
import { notificationsSupported, notify, Toasts } from "./toast.js";

const CONNECTION_TEXT = {
  connecting: "connecting…",
  connected: "connected",
  reconnecting: "reconnecting…",
  offline: "offline",
};

let session = null;
let config = { websocket_url: "/ws", dev_sign_in: false };
const toasts = new Toasts($("toasts"));

function notice(text) {
  const node = $("notice");
  node.textContent = text;
  clearTimeout(notice.timer);
  notice.timer = setTimeout(() => (node.textContent = ""), 8000);
}

function showConnection(state, detail, socket = null) {
  const node = $("connection");
  node.dataset.state = state;
  if (socket) {
    // Visible for support and for the browser tests: how many (re)connects, the last seq.
    node.dataset.connects = String(socket.stats.connects);
    node.dataset.lastSeq = String(socket.lastSeq ?? "");
  }
  node.title = detail || "";
  $("connection-text").textContent = CONNECTION_TEXT[state] || state;
}

function showSignIn(message) {
  $("app").hidden = true;
  $("connection").hidden = true;
  $("sign-out").hidden = true;
  $("enable-notifications").hidden = true;
  $("who").textContent = "";
  $("sign-in").hidden = false;
  const form = $("dev-sign-in");
  form.hidden = !config.dev_sign_in;
  $("sign-in-message").textContent =
    message ||
    (config.dev_sign_in
      ? "Development sign-in: pick any name. A host application can also open this page with #token=<JWT>."
      : "Open this page with #token=<JWT> from the application that signed you in.");
  if (config.dev_sign_in) $("dev-name").focus();
}

function updateNotificationButton() {
  const button = $("enable-notifications");
  button.hidden = !notificationsSupported() || Notification.permission !== "default";
}

let started = false;

function start(token) {
  saveToken(token);
  if (started) {
    // The panels bind to the page once: a second sign-in starts from a fresh page.
    stop();
    window.location.reload();
    return;
  }
  started = true;
  const userId = claims(token).sub;
  const store = new TaskStore();
  const seenReminders = new Set();
  const api = new Api(token, { onUnauthorized: () => expired() });
  const tasks = new TaskPanel({
    root: $("task-groups"),
    count: $("task-count"),
    search: $("search"),
    tagFilter: $("tag-filter"),
    store,
    api,
    notice,
  });
  let loaded = false;
  const reload = async () => {
    store.beginSnapshot();
    try {
      store.finishSnapshot(await api.allTasks());
      loaded = true;
    } catch (error) {
      store.loading = null;
      notice(`Could not load tasks: ${error.message}`);
    }
    tasks.render();
  };
  const socket = new LiveSocket({
    url: websocketUrl(config.websocket_url, window.location),
    token,
    onReload: reload,
    onUnauthorized: () => expired(),
    onState: (state, detail) => {
      showConnection(state, detail, socket);
      if (!loaded && state !== "connected" && state !== "connecting") reload();
    },
    onEvent: (message) => {
      $("connection").dataset.lastSeq = String(socket.lastSeq ?? "");
      store.apply(message);
      tasks.render();
      if (message.type === "reminder.due") {
        const id = message.data?.reminder_id ?? message.seq;
        if (seenReminders.has(id)) return;
        seenReminders.add(id);
        const title = message.data?.task?.title ?? "a task";
        toasts.show({ title: "Reminder", body: title, kind: "reminder" });
        notify("Reminder", title, String(id));
      }
    },
  });
  const chat = new ChatPanel({
    log: $("log"),
    form: $("composer"),
    input: $("message"),
    sendButton: $("send"),
    working: $("working"),
    newConversation: $("new-conversation"),
    api,
    userId,
    onChanged: () => {
      // Live events bring the change; without a live connection, ask for the list.
      if (socket.state !== "connected") reload();
    },
  });
  session = { socket, chat, store, tasks };
  $("sign-in").hidden = true;
  $("app").hidden = false;
  $("connection").hidden = false;
  $("sign-out").hidden = false;
  $("who").textContent = userId;
  updateNotificationButton();
  socket.start();
  $("message").focus();
}

function stop() {
  if (!session) return;
  session.socket.stop();
  session = null;
}

function expired() {
  stop();
  forgetToken();
  showSignIn("Your sign-in has expired: sign in again.");
}

async function main() {
  try {
    config = { ...config, ...(await clientConfig()) };
  } catch {
    // Keep the same-origin defaults.
  }
  $("sign-out").addEventListener("click", () => {
    session?.chat.forget();
    stop();
    forgetToken();
    window.location.reload();
  });
  $("enable-notifications").addEventListener("click", async () => {
    await Notification.requestPermission();
    updateNotificationButton();
  });
  $("dev-sign-in").addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const { token } = await devToken($("dev-name").value.trim());
      start(token);
    } catch (error) {
      $("sign-in-message").textContent = `Sign-in failed: ${error.message}`;
    }
  });
  const takeFragment = () => {
    const token = tokenFromFragment(window.location, window.history);
    if (!token) return false;
    if (isUsable(token)) start(token);
    else showSignIn("The token in the link is invalid or expired.");
    return true;
  };
  window.addEventListener("hashchange", takeFragment);
  if (takeFragment()) return;
  const token = loadToken();
  if (token) start(token);
  else showSignIn();
}

main();
