// The staff console: fills the pages from /console/api and keeps them fresh by polling.
// Plain JavaScript for current browsers; no build step, nothing loaded from elsewhere.
"use strict";

const STATE_ZH = { online: "在线", stale: "延迟", offline: "离线", never: "从未上线" };
const LEVEL_ZH = { ok: "正常", warning: "警告", fault: "故障" };
const ALERT_ZH = { new: "新告警", acknowledged: "已确认", closed: "已恢复" };

const app = document.getElementById("app");
const csrf = app ? app.dataset.csrf : "";
const pollMs = app ? Number(app.dataset.pollMs) || 5000 : 5000;

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null) continue;
    if (key === "class") node.className = value;
    else if (key.startsWith("data-")) node.setAttribute(key, value);
    else node[key] = value;
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

async function api(path, options) {
  const response = await fetch("/console/api/" + path, {
    credentials: "same-origin",
    headers: { Accept: "application/json", "X-CSRF-Token": csrf },
    ...options,
  });
  if (response.status === 401) {
    window.location.assign("/console/login?next=" + encodeURIComponent(window.location.pathname));
    throw new Error("login required");
  }
  const body = await response.json();
  if (!response.ok) throw new Error(body.message || response.statusText);
  return body;
}

function localTime(iso) {
  return iso ? new Date(iso).toLocaleString("zh-CN", { hour12: false }) : "—";
}

function age(seconds) {
  if (seconds === null || seconds === undefined) return "从未 never";
  if (seconds < 60) return Math.round(seconds) + " 秒前";
  if (seconds < 3600) return Math.round(seconds / 60) + " 分钟前";
  if (seconds < 86400) return Math.round(seconds / 3600) + " 小时前";
  return Math.round(seconds / 86400) + " 天前";
}

function stateBadge(state) {
  return el("span", { class: "state " + state, "data-state": state }, `${STATE_ZH[state] || state} ${state}`);
}

function levelBadge(level) {
  if (!level) return el("span", { class: "level none" }, "—");
  return el("span", { class: "level " + level }, `${LEVEL_ZH[level] || level} ${level}`);
}

function updated(error) {
  const line = document.getElementById("updated");
  if (!line) return;
  line.classList.toggle("error", Boolean(error));
  line.textContent = error
    ? `更新失败，稍后重试：${error.message}`
    : `已更新 ${new Date().toLocaleTimeString("zh-CN", { hour12: false })} · 每 ${pollMs / 1000} 秒自动刷新`;
}

// Run `load` now and again every pollMs after each run ends; `poke()` runs it at once.
function poller(load) {
  let timer = null;
  const run = async () => {
    clearTimeout(timer);
    try {
      await load();
      updated(null);
    } catch (error) {
      updated(error);
    }
    timer = setTimeout(run, pollMs);
  };
  run();
  return { poke: run };
}

async function refreshAlertBadge() {
  const badge = document.getElementById("alert-badge");
  if (!badge) return;
  const body = await api("alerts?status=new&limit=1");
  badge.hidden = body.counts.new === 0;
  badge.textContent = String(body.counts.new);
}

function alertRow(alert, onChange) {
  const ack = alert.status === "new"
    ? el("button", { type: "button", class: "ack", "data-alert": String(alert.id) }, "确认 Acknowledge")
    : null;
  if (ack) {
    ack.addEventListener("click", async () => {
      ack.disabled = true;
      try {
        await api(`alerts/${alert.id}/ack`, { method: "POST" });
      } finally {
        onChange();
      }
    });
  }
  let status = `${ALERT_ZH[alert.status] || alert.status}`;
  if (alert.acknowledged_by) status += ` · ${alert.acknowledged_by} ${localTime(alert.acknowledged_at)}`;
  if (alert.closed_at) status += ` · 恢复于 ${localTime(alert.closed_at)}`;
  return el(
    "tr",
    { class: "alert " + alert.status, "data-alert-id": String(alert.id), "data-status": alert.status },
    el("td", {}, localTime(alert.raised_at)),
    el("td", {}, el("a", { href: "/console/kiosks/" + encodeURIComponent(alert.device_id) }, alert.device_id)),
    el("td", {}, `${alert.subject_label} ${alert.subject}`),
    el("td", {}, levelBadge(alert.level)),
    el("td", {}, alert.message),
    el("td", { class: "alert-status" }, status),
    el("td", {}, ack),
  );
}

// -- the kiosk list --------------------------------------------------------------------------------

function kiosksPage() {
  const form = document.getElementById("filters");
  const tbody = document.querySelector("#kiosks tbody");
  const params = new URLSearchParams(window.location.search);
  let page = Number(params.get("page")) || 1;
  for (const name of ["state", "hall", "worst", "q"]) {
    if (params.get(name)) form.elements[name].value = params.get(name);
  }
  const query = () => {
    const q = new URLSearchParams();
    for (const name of ["state", "hall", "worst", "q"]) {
      const value = form.elements[name].value.trim();
      if (value) q.set(name, value);
    }
    if (page > 1) q.set("page", String(page));
    return q;
  };
  const halls = async () => {
    const select = form.elements.hall;
    const chosen = select.value || params.get("hall") || "";
    const names = await api("halls");
    select.replaceChildren(el("option", { value: "" }, "全部网点"), ...names.map((h) => el("option", { value: h }, h || "（未填写）")));
    select.value = chosen;
  };
  const load = async () => {
    const q = query();
    window.history.replaceState(null, "", q.toString() ? "?" + q : window.location.pathname);
    const body = await api("kiosks?" + q);
    const counts = body.counts;
    document.getElementById("count-all").textContent = counts.online + counts.stale + counts.offline;
    for (const state of ["online", "stale", "offline"]) {
      document.getElementById("count-" + state).textContent = counts[state];
    }
    tbody.replaceChildren(
      ...body.kiosks.map((k) =>
        el(
          "tr",
          { "data-device": k.device_id, "data-state": k.state, class: k.out_of_service ? "out-of-service" : "" },
          el("td", {}, el("a", { href: "/console/kiosks/" + encodeURIComponent(k.device_id) }, k.device_id)),
          el("td", {}, stateBadge(k.state), k.out_of_service ? el("span", { class: "service", title: k.service_reason }, "暂停服务") : null),
          el("td", {}, k.hall),
          el("td", { title: k.worst_summary }, levelBadge(k.worst_level), k.worst_check ? ` ${k.worst_label}` : "",
            k.worst_summary ? el("small", {}, " " + k.worst_summary) : null),
          el("td", {}, k.software_version || "—"),
          el("td", {}, String(k.outbox_pending)),
          el("td", { title: localTime(k.last_seen_at) }, age(k.age_s)),
        ),
      ),
    );
    if (!body.kiosks.length) tbody.append(el("tr", {}, el("td", { colSpan: 7, class: "empty" }, "没有符合条件的终端 No kiosk matches")));
    const pages = Math.max(1, Math.ceil(body.total / body.size));
    document.getElementById("page-info").textContent = `第 ${body.page} / ${pages} 页 · 共 ${body.total} 台`;
    document.getElementById("prev").disabled = body.page <= 1;
    document.getElementById("next").disabled = body.page >= pages;
    await refreshAlertBadge();
  };
  const poll = poller(async () => {
    await load();
  });
  halls().catch(updated);
  form.addEventListener("change", () => { page = 1; poll.poke(); });
  let typing = null;
  form.elements.q.addEventListener("input", () => { clearTimeout(typing); typing = setTimeout(() => { page = 1; poll.poke(); }, 300); });
  form.addEventListener("submit", (event) => { event.preventDefault(); page = 1; poll.poke(); });
  document.getElementById("prev").addEventListener("click", () => { page = Math.max(1, page - 1); poll.poke(); });
  document.getElementById("next").addEventListener("click", () => { page += 1; poll.poke(); });
  for (const button of document.querySelectorAll("#counts button")) {
    button.addEventListener("click", () => { form.elements.state.value = button.dataset.state; page = 1; poll.poke(); });
  }
}

// -- one kiosk -----------------------------------------------------------------------------------------

function kioskPage() {
  const deviceId = app.dataset.device;
  const load = async () => {
    const body = await api("kiosks/" + encodeURIComponent(deviceId));
    const k = body.kiosk;
    const state = document.getElementById("device-state");
    state.replaceChildren(stateBadge(k.state));
    const service = document.getElementById("device-service");
    service.hidden = !k.out_of_service;
    service.textContent = k.out_of_service ? `暂停服务 out of service：${k.service_reason}` : "";
    const facts = [
      ["网点 Hall", k.hall || "—"],
      ["最后心跳 Last heartbeat", `${localTime(k.last_seen_at)}（${age(k.age_s)}）`],
      ["软件版本 Version", k.software_version || "—"],
      ["待发业务 Outbox", String(k.outbox_pending)],
      ["最差检查 Worst check", k.worst_check ? `${k.worst_label}：${k.worst_summary}` : "全部正常"],
      ["注册时间 Enrolled", localTime(k.enrolled_at)],
    ];
    document.getElementById("facts").replaceChildren(...facts.flatMap(([term, value]) => [el("dt", {}, term), el("dd", {}, value)]));
    document.querySelector("#checks tbody").replaceChildren(
      ...body.checks.map((c) => el("tr", { "data-check": c.name }, el("td", {}, `${c.label} `, el("small", {}, c.name)), el("td", {}, levelBadge(c.level)), el("td", {}, c.summary))),
    );
    document.getElementById("history").replaceChildren(
      ...body.heartbeats.map((h) => el("span", { class: "beat " + h.worst_level, title: `${localTime(h.received_at)} ${LEVEL_ZH[h.worst_level]} ${h.worst_check}` })),
    );
    document.querySelector("#events tbody").replaceChildren(
      ...body.events.map((e) => el("tr", {}, el("td", {}, localTime(e.at)), el("td", {}, `${e.label} ${e.subject}`),
        el("td", {}, `${STATE_ZH[e.before] || LEVEL_ZH[e.before] || e.before} → ${STATE_ZH[e.after] || LEVEL_ZH[e.after] || e.after}`), el("td", {}, e.detail))),
    );
    document.querySelector("#kiosk-alerts tbody").replaceChildren(...body.alerts.map((a) => alertRow(a, () => poll.poke())));
    await refreshAlertBadge();
  };
  const poll = poller(load);
}

// -- alerts --------------------------------------------------------------------------------------------

function alertsPage() {
  let status = new URLSearchParams(window.location.search).get("status") || "open";
  const tabs = document.querySelectorAll("#alert-tabs button");
  const load = async () => {
    for (const tab of tabs) tab.classList.toggle("active", tab.dataset.status === status);
    const body = await api(`alerts?status=${status}`);
    document.getElementById("count-new").textContent = body.counts.new || "";
    document.getElementById("count-acknowledged").textContent = body.counts.acknowledged || "";
    const tbody = document.querySelector("#alerts tbody");
    tbody.replaceChildren(...body.alerts.map((a) => alertRow(a, () => poll.poke())));
    if (!body.alerts.length) tbody.append(el("tr", {}, el("td", { colSpan: 7, class: "empty" }, "没有告警 No alerts")));
    await refreshAlertBadge();
  };
  const poll = poller(load);
  for (const tab of tabs) {
    tab.addEventListener("click", () => {
      status = tab.dataset.status;
      window.history.replaceState(null, "", "?status=" + status);
      poll.poke();
    });
  }
}

function logout() {
  const button = document.getElementById("logout");
  if (!button) return;
  button.addEventListener("click", async () => {
    await fetch("/console/logout", { method: "POST", credentials: "same-origin", headers: { "X-CSRF-Token": csrf } });
    window.location.assign("/console/login");
  });
}

const page = document.body.dataset.page;
for (const link of document.querySelectorAll("[data-nav]")) {
  link.classList.toggle("current", link.dataset.nav === page || (page === "kiosk" && link.dataset.nav === "kiosks"));
}
logout();
if (page === "kiosks") kiosksPage();
else if (page === "kiosk") kioskPage();
else if (page === "alerts") alertsPage();
