// Toasts for reminders and notices, and a browser notification when the user allows them.

import { el } from "./dom.js";

export class Toasts {
  constructor(root) {
    this.root = root;
  }

  show({ title, body = "", kind = "info", timeoutMs = 12_000 }) {
    const close = el("button", { type: "button", class: "toast-close", "aria-label": "Dismiss" }, "×");
    const toast = el(
      "div",
      { class: `toast toast-${kind}` },
      el("strong", { class: "toast-title" }, title),
      body ? el("span", { class: "toast-body" }, body) : null,
      close,
    );
    const dismiss = () => toast.remove();
    close.addEventListener("click", dismiss);
    this.root.append(toast);
    if (timeoutMs) setTimeout(dismiss, timeoutMs);
    return toast;
  }
}

export function notificationsSupported() {
  return typeof window.Notification === "function";
}

export function notify(title, body, tag) {
  if (!notificationsSupported() || Notification.permission !== "granted") return false;
  try {
    new Notification(title, { body, tag });
    return true;
  } catch {
    return false; // some browsers allow notifications only from a service worker
  }
}
