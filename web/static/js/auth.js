// The token: from the URL fragment (`#token=<JWT>`, dropped from the address bar at once)
// or from this browser session. Kept in sessionStorage only, never in localStorage.

const KEY = "todo.token";

export function tokenFromFragment(location, history) {
  const params = new URLSearchParams(location.hash.replace(/^#/, ""));
  const token = params.get("token");
  if (!token) return null;
  params.delete("token");
  const rest = params.toString();
  history.replaceState(null, "", location.pathname + location.search + (rest ? `#${rest}` : ""));
  return token;
}

// The claims are read for display and expiry only; the services verify the signature.
export function claims(token) {
  try {
    const part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    const json = decodeURIComponent(
      Array.from(atob(part), (c) => `%${c.charCodeAt(0).toString(16).padStart(2, "0")}`).join(""),
    );
    const value = JSON.parse(json);
    return value && typeof value === "object" ? value : null;
  } catch {
    return null;
  }
}

export function isUsable(token, nowSeconds = Date.now() / 1000) {
  const value = token ? claims(token) : null;
  if (!value || typeof value.sub !== "string" || !value.sub) return false;
  return typeof value.exp !== "number" || value.exp > nowSeconds + 5;
}

export function loadToken() {
  const token = sessionStorage.getItem(KEY);
  return token && isUsable(token) ? token : null;
}

export function saveToken(token) {
  sessionStorage.setItem(KEY, token);
}

export function forgetToken() {
  sessionStorage.removeItem(KEY);
}
